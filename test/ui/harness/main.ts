import { mount } from "svelte";
import Harness from "./Harness.svelte";
import "../../../src/renderer/styles.css";

mount(Harness, { target: document.getElementById("app")! });
