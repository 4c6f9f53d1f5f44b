/**
 * Launch clocks. A live launch runs on the wall clock; a simulated one on a scaled clock that a
 * simulation drives and that stands still when no simulation runs.
 */
export interface LaunchClock {
  now(): number;
  /** Launch-clock seconds per wall second. */
  readonly speed: number;
  readonly running: boolean;
  /** Wall milliseconds until the clock reaches launch time `atMs` (∞ when it stands still). */
  wallDelayUntil(atMs: number): number;
  /** Told when the clock's speed or position is set (the scheduler re-arms the launch). */
  onChange: (() => void) | null;
}

export class WallClock implements LaunchClock {
  readonly speed = 1;
  readonly running = true;
  onChange: (() => void) | null = null;
  now(): number {
    return Date.now();
  }

  wallDelayUntil(atMs: number): number {
    return Math.max(0, atMs - Date.now());
  }
}

export class ScaledClock implements LaunchClock {
  private anchorWall = Date.now();
  private anchorLaunch: number;
  private rate = 0;
  onChange: (() => void) | null = null;

  constructor(launchNowMs: number) {
    this.anchorLaunch = launchNowMs;
  }

  now(): number {
    return this.anchorLaunch + (Date.now() - this.anchorWall) * this.rate;
  }

  get speed(): number {
    return this.rate;
  }

  get running(): boolean {
    return this.rate > 0;
  }

  /** Runs at `speed` from launch time `fromMs` (or from where it stands). */
  run(speed: number, fromMs = this.now()): void {
    this.anchorLaunch = fromMs;
    this.anchorWall = Date.now();
    this.rate = speed;
    this.onChange?.();
  }

  /** Stands still, at launch time `atMs` if given. */
  stop(atMs?: number): void {
    this.anchorLaunch = atMs ?? this.now();
    this.anchorWall = Date.now();
    this.rate = 0;
    this.onChange?.();
  }

  /** Wall milliseconds until the clock reaches launch time `atMs` (∞ when stopped). */
  wallDelayUntil(atMs: number): number {
    if (this.rate <= 0) return Infinity;
    return Math.max(0, (atMs - this.now()) / this.rate);
  }
}
