// Runs a CPU-bound loop whose length is the settings string (the Rust twin
// is guests/test-components/spin): the budget tests check fuel is metered,
// the benchmarks measure what metering costs.
import { ModgateError } from 'modgate';

export const lifecycle = {
  activate(settings) {
    const rounds = Number(settings.trim());
    if (!Number.isInteger(rounds) || rounds < 0) throw ModgateError.invalid('settings must be a number of rounds');
    // xorshift on 32 bits: JavaScript's bitwise operators are 32-bit.
    let x = 0x9e3779b9;
    for (let i = 0; i < rounds; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      x = (x + i) | 0;
    }
    if (x === 0) throw ModgateError.handler('unreachable state');
  },
};
