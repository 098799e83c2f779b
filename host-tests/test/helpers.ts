import { WmbusError } from "../../firmware/errors.js";

/** Runs f and returns the WmbusError it throws; fails the test when it throws nothing or something else. */
export function thrown(f: () => unknown): WmbusError {
  try {
    f();
  } catch (e) {
    if (e instanceof WmbusError) return e;
    throw e;
  }
  throw new Error("did not throw");
}
