// Part 4 placeholder, replaced below.
export async function runFleet() {
  return { rows: [], note: 'not implemented yet' }
}
export const fleetTable = (result) => result.note
