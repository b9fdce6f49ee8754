export * from '@tokenlife/core'
