import { tokenlifeDriver } from '../tokenlife.mjs'
import { runPage } from './common.mjs'

runPage(tokenlifeDriver())
