/** A clock the test moves by hand: pass `now` to onBehalf({ now }). */
export function clock(start = Date.parse('2026-11-25T09:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}
