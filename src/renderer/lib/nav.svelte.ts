// Back/forward over deliberate jumps (Alt+Left/Right), and the last place shown in each panel (so a tab
// reopens where it was). A jump to where we already are is not recorded; the history is capped. Everything
// changes synchronously in one call, so a panel reading `serial` sees its target already updated.
import { panelOf, sameTarget, type Panel, type Target } from "./target";

const MAX_HISTORY = 200;

export class Navigator {
  current = $state<Target>({ kind: "overview" });
  /** The last place of each panel. */
  last = $state<Partial<Record<Panel, Target>>>({ overview: { kind: "overview" } });
  private back: Target[] = $state([]);
  private forward: Target[] = $state([]);
  /** Bumped on every jump (not on replace), so a panel re-reveals its target even when it is unchanged. */
  serial = $state(0);

  get canBack(): boolean {
    return this.back.length > 0;
  }

  get canForward(): boolean {
    return this.forward.length > 0;
  }

  private set(target: Target): void {
    this.current = target;
    this.last[panelOf(target)] = target;
  }

  go(target: Target): void {
    if (!sameTarget(target, this.current)) {
      this.back.push(this.current);
      if (this.back.length > MAX_HISTORY) this.back.shift();
      this.forward = [];
    }
    this.set(target);
    this.serial++;
  }

  /** Updates the current place without a history entry (moving the hex cursor). */
  replace(target: Target): void {
    this.set(target);
  }

  goBack(): void {
    const t = this.back.pop();
    if (!t) return;
    this.forward.push(this.current);
    this.set(t);
    this.serial++;
  }

  goForward(): void {
    const t = this.forward.pop();
    if (!t) return;
    this.back.push(this.current);
    this.set(t);
    this.serial++;
  }
}
