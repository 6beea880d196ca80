// A hostile JavaScript guest for the budget tests: `activate` does what its
// settings say — `loop` forever, `allocate` without bound, `recurse` without
// end, or `raise` an exception it never catches. Anything else returns
// normally.

function down(depth) {
  return down(depth + 1) + 1;
}

export const lifecycle = {
  activate(settings) {
    if (settings === 'loop') {
      for (;;) {}
    } else if (settings === 'allocate') {
      // 16 MiB at a time, zeroed natively: the memory limit is reached
      // long before the fuel runs out.
      const hoard = [];
      for (;;) hoard.push(new Uint8Array(16 << 20));
    } else if (settings === 'recurse') {
      down(0);
    } else if (settings === 'raise') {
      throw new TypeError('hostile: an exception nobody catches');
    }
  },
};
