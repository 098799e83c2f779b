/*
 * `wmbus/board`: the board's pins.json as a JSON module (boards/<board>/manifest.json maps it, and
 * boards/common/provider.js reshapes the same data into the `device` global). Its format is
 * firmware/platform/board.ts BoardDescription, checked by `checkBoard` before use.
 */
declare module "wmbus/board" {
  const board: import("../firmware/platform/board.js").BoardDescription;
  export default board;
}
