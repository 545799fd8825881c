//! CommonMark's "process emphasis" step (spec §6.2, appendix "Processing emphasis"): which
//! delimiter runs pair up, and with how many characters each. Only the pairing is here;
//! what a run can do (open, close) is decided by the caller, and what the pairs become is
//! decided by [`super::emit`].

/// One delimiter run: `len` × `ch` (`*`, `_` or `~`) as written in the source.
#[derive(Debug, Clone, Copy)]
pub(super) struct Run {
    pub ch: u8,
    pub len: usize,
    pub can_open: bool,
    pub can_close: bool,
}

/// An opener and a closer (indices into the runs) that became one span of `width`
/// characters on each side: 2 is strong, 1 emphasis; a `~` pair is strikethrough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pair {
    pub opener: usize,
    pub closer: usize,
    pub width: usize,
}

/// Slots of the "openers bottom" table: delimiter kind × closer-can-open × length mod 3.
const BOTTOMS: usize = 3 * 2 * 3;

/// For tildes one slot serves all closers, as in pulldown-cmark: a `~~` that found no
/// opener hides the openers below it from a later `~` too (`~,~~.~` stays literal). That
/// is stricter than GFM, but it is what pulldown-cmark does with Latin text, and this
/// pass must not change that.
fn bottom_slot(run: &Run) -> usize {
    match run.ch {
        b'*' => usize::from(run.can_open) * 3 + run.len % 3,
        b'_' => 6 + usize::from(run.can_open) * 3 + run.len % 3,
        _ => 12,
    }
}

/// Whether `opener` may pair with `closer`: the same character; for tildes the same
/// length (GFM); and the rule of three — when either run can both open and close, their
/// lengths may not add up to a multiple of 3 unless both are multiples of 3.
fn compatible(opener: &Run, closer: &Run) -> bool {
    if opener.ch != closer.ch {
        return false;
    }
    if opener.ch == b'~' {
        return opener.len == closer.len;
    }
    let either_both =
        (opener.can_open && opener.can_close) || (closer.can_open && closer.can_close);
    !either_both
        || !(opener.len + closer.len).is_multiple_of(3)
        || (opener.len.is_multiple_of(3) && closer.len.is_multiple_of(3))
}

/// The pairs, in the order CommonMark forms them: closers left to right, each taking the
/// nearest compatible opener. Openers skipped over are dropped (they stay literal). The
/// "openers bottom" table keeps a long run of unmatched closers linear.
pub(super) fn pair(runs: &[Run]) -> Vec<Pair> {
    let mut left: Vec<usize> = runs.iter().map(|run| run.len).collect();
    let mut openers: Vec<usize> = Vec::new();
    let mut bottom = [0usize; BOTTOMS];
    let mut pairs = Vec::new();
    for (at, run) in runs.iter().enumerate() {
        if run.can_close {
            while left[at] > 0 {
                let slot = bottom_slot(run);
                let floor = bottom[slot].min(openers.len());
                let found = openers[floor..]
                    .iter()
                    .rposition(|&o| compatible(&runs[o], run))
                    .map(|pos| floor + pos);
                let Some(index) = found else {
                    bottom[slot] = openers.len();
                    break;
                };
                let opener = openers[index];
                let width = if run.ch == b'~' {
                    left[at].min(left[opener])
                } else if left[at] >= 2 && left[opener] >= 2 {
                    2
                } else {
                    1
                };
                left[at] -= width;
                left[opener] -= width;
                pairs.push(Pair {
                    opener,
                    closer: at,
                    width,
                });
                openers.truncate(if left[opener] > 0 { index + 1 } else { index });
                for b in &mut bottom {
                    *b = (*b).min(openers.len());
                }
            }
        }
        if left[at] > 0 && run.can_open {
            openers.push(at);
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(ch: u8, len: usize, can_open: bool, can_close: bool) -> Run {
        Run {
            ch,
            len,
            can_open,
            can_close,
        }
    }

    fn p(opener: usize, closer: usize, width: usize) -> Pair {
        Pair {
            opener,
            closer,
            width,
        }
    }

    #[test]
    fn strong_then_emphasis_from_triple_runs() {
        let runs = [run(b'*', 3, true, false), run(b'*', 3, false, true)];
        assert_eq!(pair(&runs), vec![p(0, 1, 2), p(0, 1, 1)]);
    }

    #[test]
    fn the_nearest_opener_wins_and_skipped_ones_drop() {
        // `*a _b* c_`: the `*` closer skips `_`, which then cannot pair.
        let runs = [
            run(b'*', 1, true, false),
            run(b'_', 1, true, false),
            run(b'*', 1, false, true),
            run(b'_', 1, false, true),
        ];
        assert_eq!(pair(&runs), vec![p(0, 2, 1)]);
    }

    #[test]
    fn rule_of_three() {
        // `*foo**bar*`: the middle run can both open and close; 1 + 2 is a multiple of 3.
        let runs = [
            run(b'*', 1, true, false),
            run(b'*', 2, true, true),
            run(b'*', 1, false, true),
        ];
        assert_eq!(pair(&runs), vec![p(0, 2, 1)]);
    }

    #[test]
    fn tildes_pair_only_with_the_same_length() {
        let runs = [run(b'~', 2, true, false), run(b'~', 1, false, true)];
        assert!(pair(&runs).is_empty());
        let runs = [run(b'~', 2, true, false), run(b'~', 2, false, true)];
        assert_eq!(pair(&runs), vec![p(0, 1, 2)]);
    }

    #[test]
    fn many_unmatched_closers_stay_cheap() {
        let mut runs = vec![run(b'_', 1, true, false); 2000];
        runs.extend(vec![run(b'*', 1, false, true); 20_000]);
        assert!(pair(&runs).is_empty());
    }
}
