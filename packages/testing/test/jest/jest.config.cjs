/* global module, __dirname */
// The kit under Jest, as an app's Jest setup runs it: the published CommonJS build (after `pnpm build`), jsdom with
// Node's fetch, Request, Response and TextEncoder put back (jest-fixed-jsdom, what msw recommends for Jest), no
// transform (the test is plain CommonJS).
//
// msw 2.11 and later depend on ES-only modules (until-async, rettime) that Jest cannot require on Node 20 (Jest 30
// can from Node 24.9; see mswjs/msw#2698): an app on Node 20 with Jest keeps msw at 2.10, as this run does
// (`msw-for-jest`, msw 2.10.5, in place of the workspace's msw).
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'jest-fixed-jsdom',
  testMatch: ['<rootDir>/*.test.cjs'],
  transform: {},
  moduleNameMapper: { '^msw($|/.*)': 'msw-for-jest$1' },
}
