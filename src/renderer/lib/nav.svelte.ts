// Back/forward over deliberate jumps (Alt+Left/Right). A jump to where we already are is not recorded;
// the history is capped.
import { sameTarget, type Target } from "./target";

const MAX_HISTORY = 200;

export class Navigator {
  current = $state<Target>({ kind: "overview" });
  private back: Target[] = $state([]);
  private forward: Target[] = $state([]);
  /** Bumped on every go, so a panel can re-reveal a target equal to the current one. */
  serial = $state(0);

  get canBack(): boolean {
    return this.back.length > 0;
  }

  get canForward(): boolean {
    return this.forward.length > 0;
  }

  go(target: Target): void {
    if (!sameTarget(target, this.current)) {
      this.back.push(this.current);
      if (this.back.length > MAX_HISTORY) this.back.shift();
      this.forward = [];
    }
    this.current = target;
    this.serial++;
  }

  /** Updates the current place without a history entry (scrolling, moving the hex cursor). */
  replace(target: Target): void {
    this.current = target;
  }

  goBack(): void {
    const t = this.back.pop();
    if (!t) return;
    this.forward.push(this.current);
    this.current = t;
    this.serial++;
  }

  goForward(): void {
    const t = this.forward.pop();
    if (!t) return;
    this.back.push(this.current);
    this.current = t;
    this.serial++;
  }
}
