//! Work spread over the machine's cores: the one place that decides how many threads an
//! analysis uses and how it splits its items between them.

/// How many worker threads an analysis uses: the cores available, at most 8.
pub(crate) fn workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
}

/// `f` applied to consecutive parts of `items`, `part_len` items each (the last may be
/// shorter), each part on its own thread; the results in the order of the parts. A single
/// part runs on the calling thread.
pub(crate) fn in_parts<T, R>(items: &[T], part_len: usize, f: impl Fn(&[T]) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let part_len = part_len.max(1);
    if items.len() <= part_len {
        return vec![f(items)];
    }
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(part_len)
            .map(|part| scope.spawn(move || f(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// The part length that gives each worker one part of `len` items, rounded up to a
/// multiple of `multiple`.
pub(crate) fn part_len(len: usize, multiple: usize) -> usize {
    len.div_ceil(workers())
        .next_multiple_of(multiple)
        .max(multiple)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_keep_their_order_and_cover_every_item() {
        let items: Vec<u32> = (0..1000).collect();
        let sums = in_parts(&items, 64, |part| (part[0], part.len()));
        assert_eq!(sums.len(), 1000usize.div_ceil(64));
        let mut next = 0;
        for (first, len) in sums {
            assert_eq!(first, next);
            next += len as u32;
        }
        assert_eq!(next, 1000);
    }

    #[test]
    fn an_empty_or_small_input_is_one_part() {
        assert_eq!(in_parts(&[] as &[u8], 8, |p| p.len()), vec![0]);
        assert_eq!(in_parts(&[1u8, 2], 8, |p| p.len()), vec![2]);
    }

    #[test]
    fn part_len_is_a_multiple() {
        assert_eq!(part_len(1, 64) % 64, 0);
        assert!(part_len(100_000, 64) * workers() >= 100_000);
    }
}
