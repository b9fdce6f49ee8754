// What the sign-in page of both examples suggests trying.
/** The sign-in page's guide to the demo. */
export const DEMO_TIPS: Array<[lead: string, text: string]> = [
  [
    'Watch the countdown.',
    'The access token is short-lived and renewed silently before it runs out, while the API is called ' +
      'every 5 s.',
  ],
  [
    'Open another tab.',
    'It joins this session without a request of its own, and only one tab refreshes at a time: two tabs ' +
      'never spend the same rotating refresh token.',
  ],
  [
    'Log out in one tab.',
    'Every tab of this browser signs out at once.',
  ],
  [
    'Sign in from another browser, then log out everywhere or change the password here.',
    'The other browser is signed out at its next refresh.',
  ],
  [
    'Reload.',
    'The session comes back from the httpOnly refresh cookie; the access token only ever lives in memory.',
  ],
]
