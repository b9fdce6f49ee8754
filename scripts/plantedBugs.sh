#!/usr/bin/env bash
# Mutation check for the cross-tab engine (not part of CI): plants one bug at a time in packages/core/src, runs the
# cross-tab property test and the invariant tests as CI does (or the tests a plant names), prints how many tests
# caught it, and restores the file. Every plant must be caught; a property that cannot catch a planted bug proves nothing.
#   bash scripts/plantedBugs.sh
# Writes the tally to reports/plantedBugs.json (read by the reliability page); exits 1 when a plant is not caught.
set -u
cd "$(dirname "$0")/../packages/core"
backup=$(mktemp)
results=$(mktemp)
plant() {
  local name="$1" file="$2" from="$3" to="$4" tests="${5:-src/__tests__/crossTab.property.test.ts src/__tests__/concurrencyInvariants.test.ts}"
  cp "$file" "$backup"
  if python3 - "$file" "$from" "$to" <<'PY'
import sys
p,a,b=sys.argv[1:4]
s=open(p).read()
assert a in s, ('pattern not found', a)
open(p,'w').write(s.replace(a,b,1))
PY
  then :; else
    # The code moved: a plant that is not planted would count as "not caught" and prove nothing. Say so and stop.
    echo "PLANT $name: its pattern is no longer in $file; update the plant" >&2
    exit 2
  fi
  local out; out=$(timeout 600 npx vitest run --project unit $tests 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
  cp "$backup" "$file"
  local failed; failed=$(echo "$out" | grep -cE "^\s+×")
  local first; first=$(echo "$out" | grep -E "Caused by|AssertionError" | head -1 | cut -c1-200)
  echo "PLANT $name: $failed failing tests; first: $first"
  python3 - "$results" "$name" "$file" "$failed" "$first" <<'PY'
import json, sys
path, name, file, failed, first = sys.argv[1:6]
with open(path, 'a') as out:
    out.write(json.dumps({'name': name, 'file': 'packages/core/' + file, 'failingTests': int(failed), 'first': first}) + '\n')
PY
}
plant "abort a sent refresh after 200 ms (its answer dropped)" src/refreshRequest.ts "  const leaving = sendToCompletion(environment, signed)" "  const leaving = (await import('./transport')).send(environment, signed, { timeoutMs: 200 })"
plant "no lock across tabs" src/refreshLock.ts "    if (this.#env.locks) return this.#runLocked(task)" "    if (this.#env.locks && false) return this.#runLocked(task)"
plant "release before the rotated refresh token is stored" src/refreshFlight.ts "    await Promise.all([holder.storageSettled(), this.#lock.published()])" "    await this.#lock.published()"
# Only costs a request, never reuses a token (the next holder then asks the server itself): caught at random, if at all.
plant "release before the newest session is in a lock name" src/refreshFlight.ts "    await Promise.all([holder.storageSettled(), this.#lock.published()])" "    await holder.storageSettled()"
plant "no newest-session hint from the lock" src/refreshFlight.ts "    if (newest && newest.id !== holder.session?.id && isNewerSession(newest, base)) {" "    if (false) {"
plant "skip the logout-finality check on late answers" src/refreshFlight.ts "    if (!holder.isEnded(sent.startedAt)) return" "    if (true || !holder.isEnded(sent.startedAt)) return"
plant "adopt sibling sessions regardless of the last end" src/sessionHolder.ts "    if (this.isEnded(startedAt) || !isNewerSession(session, this.#session)) return undefined" "    if (!isNewerSession(session, this.#session)) return undefined"
plant "notify listeners before the change is complete" src/stateStore.ts "    if (this.#depth > 0 || this.#delivering) return" "    if (this.#delivering) return"
plant "no liveness probe before taking the lock over" src/refreshLock.ts "      if (await this.#holderAlive()) continue" "      if (false) continue"
# The flight checks that it still holds the lock twice (before and after recording the send); this plant blinds both.
plant "send even when the lock was taken over" src/refreshFlight.ts "this.#underLock({ base, lineage, stillHeld, onSchedule }, contended, answer)" "this.#underLock({ base, lineage, stillHeld: () => true, onSchedule }, contended, answer)"
plant "expiry from the message, not the JWT" src/sharedToken.ts "  const expiresAt = exp === undefined ? shared.expiresAt : Math.min(exp + EXP_GRANULARITY_MS, shared.expiresAt)" "  const expiresAt = shared.expiresAt"
plant "no keepalive on a sent refresh (a closed page cancels it)" src/transport.ts "{ keepalive: true, ...request.init }" "request.init" src/__tests__/transport.test.ts
plant "send at once after a page left its refresh on the wire" src/refreshRequest.ts "  if (refreshTokenMode === 'cookie') await afterUnfinishedSend(options, holder, lock)" "  void afterUnfinishedSend"
plant "cookie mode: release the lock once the refresh is sent (the next tab presents the cookie its answer replaces)" src/refreshFlight.ts "      bound ??= env.setTimeout(release, requestHoldMs(this.#options.timing))" "      bound ??= env.setTimeout(release, 0)" "src/__tests__/crossTab.test.ts src/__tests__/singleFlight.test.ts src/__tests__/crossTab.property.test.ts src/__tests__/concurrencyInvariants.test.ts"
plant "a restored tab keeps the persisted access token of a session that ended" src/sessionRestore.ts "    void holder.queueStorage(() => holder.store.removeAccessToken())" "    void 0"
plant "a new tab takes any sibling's answer, even one of a session that ended" src/sessionRestore.ts "    const shared = await holder.tabs.askForSession((candidate) => !holder.isEnded(candidate.startedAt))" "    const shared = await holder.tabs.askForSession(() => true)"
plant "cookie mode: ignore the records of refreshes on the wire (a page closed the moment it sent goes unnoticed)" src/refreshRequest.ts "  const recorded = await lastRecordedSend(env, sendingPrefix(options), requestHoldMs(timing))" "  const recorded = undefined as number | undefined; void lastRecordedSend"
plant "throw away the rotated refresh token of an answer refused as malformed" src/refreshFlight.ts "      await this.#holder.keepRotated(sent.refreshToken, rotatedRefreshTokenOf(error))" "      void rotatedRefreshTokenOf" src/__tests__/failureClassification.test.ts
plant "skip the wait after a closed page even when the server advertised no retry window" src/refreshRequest.ts "  if (windowMs !== undefined && env.now() + timing.requestTimeoutMs <= at + windowMs) return" "  if (true) return"
plant "ignore the server's retry window (a reloaded page waits out requestTimeoutMs)" src/refreshRequest.ts "  if (windowMs !== undefined && env.now() + timing.requestTimeoutMs <= at + windowMs) return" "  void windowMs" src/__tests__/retryWindow.test.ts
plant "cookie mode: send with the departure time stamped before the device slept (the record not written again)" src/refreshRequest.ts "    if (leavesInTime(environment, requestedAt)) return { requestedAt, answered }" "    return { requestedAt, answered }"
plant "cookie mode: a refresh leaves however long after the departure its records carry (no SEND_SLACK_MS check)" src/refreshRequest.ts "=> env.now() - at <= SEND_SLACK_MS" "=> true"
plant "a flight taken over retries although a sibling's newer session reached its tab meanwhile (an extra refresh)" src/refreshFlight.ts "if (isTokenlifeError(error) && error.transient && this.#hasNewerThan(origin.base))" "if (false)"
plant "record an end learnt from elsewhere at the time it was learnt (a login begun meanwhile counts as ended)" src/sessionHolder.ts "const at = endedAt ?? (reason === 'revoked' && this.#session ? this.#session.startedAt : this.stamp())" "const at = reason === 'revoked' && this.#session ? this.#session.startedAt : this.stamp()"
plant "DPoP: adopt a refresh answer whose token is not bound to the key that signed the request" src/refreshFlight.ts "    if (sent.dpopJkt !== undefined) await this.#checkBinding(exchange, sent)" "    void this.#checkBinding" src/__tests__/dpop.test.ts
plant "DPoP: adopt a sibling's token whatever key it is bound to" src/sharedToken.ts "(claims !== undefined && (claims.cnf as { jkt?: unknown } | undefined)?.jkt !== dpopJkt)" "false" "src/__tests__/dpopTabs.test.ts src/__tests__/dpop.test.ts"
plant "DPoP: the nonce retry leaves with the first request's departure records" src/refreshRequest.ts "sendToCompletion(environment, (await depart(() => {})).signed)" "sendToCompletion(environment, await dpop!.sign(request, key!))" src/__tests__/dpop.test.ts

# The tally, for the reliability page: every plant, how many tests caught it.
root=$(cd ../.. && pwd)
mkdir -p "$root/reports"
python3 - "$results" "$root/reports/plantedBugs.json" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'PY'
import datetime, json, sys
source, target, commit = sys.argv[1:4]
plants = [json.loads(line) for line in open(source) if line.strip()]
json.dump({'date': datetime.datetime.now(datetime.timezone.utc).isoformat(), 'commit': commit, 'plants': plants}, open(target, 'w'), indent=2)
open(target, 'a').write('\n')
missed = [p['name'] for p in plants if p['failingTests'] == 0]
print(f"{len(plants) - len(missed)} of {len(plants)} plants caught" + (f"; NOT caught: {missed}" if missed else ''))
sys.exit(1 if missed else 0)
PY
