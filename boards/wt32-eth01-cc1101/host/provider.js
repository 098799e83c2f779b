/*
 * This board's ECMA-419 host provider ("embedded:provider/builtin"), written for this project.
 * The SDK looks for host/provider.js in the subplatform folder (modules/io/manifests/esp32/manifest.json);
 * the implementation is shared by all our boards and reads this board's pins.json.
 */
export {default} from "wmbus/board-provider";
