export { createTestTokenlife, type TestTokenlifePlugin } from './vue/createTestTokenlife'
