/*
 * ECMA-419 host provider shared by every board in boards/ (written for this project).
 *
 * boards/<board>/host/provider.js re-exports this module; the SDK maps it to
 * "embedded:provider/builtin" for `-p esp32:<board folder>` and modules/io/system/system.js
 * deep-freezes it into the `device` global. Everything comes from the board's pins.json (the JSON
 * module "wmbus/board"); this file only reshapes it:
 *   device.io                 the IO classes the firmware uses (Digital, SPI)
 *   device.SPI.default        the board's SPI bus (no hz)
 *   device.pin                every named GPIO of the board
 *   device.peripheral.radio   the radio's IO option bundles plus its chip facts (data only:
 *                             nothing is opened here; the radio driver constructs the IO objects)
 * This is the one place where pins become io: firmware/radio/create-radio.ts builds the JS driver from
 * device.peripheral.radio and takes the native radio task's pins from the same bundles
 * (nativeTaskPins); the host simulator evaluates this file with its own io classes
 * (host-tests/sim/board-provider.ts).
 * The shape is declared in types/embedded-provider-builtin.d.ts and checked by
 * host-tests/test/platform-manifest.test.ts, which evaluates this file: keep the three imports at
 * the top and the single `export default device;` at the end.
 */
import Digital from "embedded:io/digital";
import SPI from "embedded:io/spi";
import board from "wmbus/board";

const pins = board.pins;
const radio = board.radio;

function input(pin) {
	return {io: Digital, pin, mode: Digital.Input};
}
function output(pin, initialValue) {
	return {io: Digital, pin, mode: Digital.Output, initialValue};
}

const bus = {io: SPI, clock: pins.sck, out: pins.mosi, in: pins.miso, port: radio.spiPort};

let peripheralRadio;
if ("sx1262" === radio.kind) {
	peripheralRadio = {
		kind: "sx1262",
		spi: {...bus, hz: radio.spiHz, mode: 0},
		select: output(pins.radioSelect, 1),
		reset: output(pins.radioReset, 1),
		busy: input(pins.radioBusy),
		dio1: input(pins.radioDio1),
		xtalHz: radio.xtalHz,
		tcxoVoltage: radio.tcxoVoltage ?? null,
		dio2AsRfSwitch: true === radio.dio2AsRfSwitch
	};
}
else if ("cc1101" === radio.kind) {
	peripheralRadio = {
		kind: "cc1101",
		spi: {...bus, hz: radio.spiHz, mode: 0},
		select: output(pins.radioSelect, 1),
		gdo0: input(pins.radioGdo0),
		gdo2: input(pins.radioGdo2),
		xtalHz: radio.xtalHz
	};
}

const device = {
	io: {Digital, SPI},
	SPI: {default: bus},
	pin: {...pins},
	peripheral: {radio: peripheralRadio}
};

export default device;
