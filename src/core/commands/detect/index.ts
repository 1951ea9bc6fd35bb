// The console's face of the detectors (lint: this folder follows the detect layer's import rule).
import type { Command } from "../command";
import { findingsCommand } from "./findings";
import { hooksCommand } from "./hooks";

export const detectCommands: Command[] = [findingsCommand, hooksCommand];
