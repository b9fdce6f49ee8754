import type { Browser } from 'playwright'

export declare const chromiumPath: string
export declare const chromiumArgs: string[]
export declare const chromiumLaunchOptions: { executablePath: string; args: string[] }
export declare function launchChromium(): Promise<Browser>
