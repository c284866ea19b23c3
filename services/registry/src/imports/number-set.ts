/**
 * A set of non-negative integers below 2^53 (CCCDs as numbers), in one typed array with open
 * addressing: a million take 16 MB, where a Set of numbers takes several times more.
 */
export class NumberSet {
  private slots = new Float64Array(1 << 16).fill(-1);
  private count = 0;

  /** Adds the number; false when it was already there. */
  add(value: number): boolean {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const added = NumberSet.insert(this.slots, value);
    if (added) this.count += 1;
    return added;
  }

  get size(): number {
    return this.count;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2).fill(-1);
    for (const value of old) if (value >= 0) NumberSet.insert(this.slots, value);
  }

  private static insert(slots: Float64Array, value: number): boolean {
    const mask = slots.length - 1;
    // Mix the high and low halves: CCCDs share long prefixes (province, century, year).
    let index = (Math.imul((value % 0x100000000) ^ Math.floor(value / 0x100000000), 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const slot = slots[index]!;
      if (slot === value) return false;
      if (slot < 0) {
        slots[index] = value;
        return true;
      }
      index = (index + 1) & mask;
    }
  }
}
