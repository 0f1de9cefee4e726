//! Stable sorting with one copy of the standard library's sort per wasm module.
//!
//! `slice::sort_by` is generic over the element type and the comparator, so every call
//! site compiles its own copy of the sort: 3-4 KB of wasm each after `opt-level = "z"`
//! and wasm-opt, and the domain crates have a dozen of them. [`sort_by`] and
//! [`sort_by_key`] sort the indices `0..len` instead, with the comparator behind
//! `&dyn Fn`, which is a single instance for the whole module, then move the elements
//! into that order (one pass of swaps along the permutation's cycles).
//!
//! The order is exactly that of `slice::sort_by` with the same comparator: both sorts are
//! stable, so equal elements keep their order. Costs one dynamic call per comparison and
//! a `Vec` of indices: sort hot loops of millions of elements with the standard library.

use std::cmp::Ordering;

/// `v.sort_by(compare)`, with the shared sort.
pub fn sort_by<T>(v: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let order = stable_order(v.len(), &|a, b| compare(&v[a], &v[b]));
    permute(v, &order);
}

/// `v.sort_by_key(key)`, with the shared sort (the key is computed per comparison, as
/// the standard library does).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// The indices of `0..len` in the stable order `compare` gives them. Not generic: the
/// one instance of the standard library's sort that every caller shares.
#[inline(never)]
fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Rearrange `v` so that `v[k]` becomes the old `v[order[k]]`, `order` a permutation of
/// `0..v.len()`. Each cycle of the permutation is walked once: a swap per element.
fn permute<T>(v: &mut [T], order: &[usize]) {
    let mut placed = vec![false; v.len()];
    for start in 0..v.len() {
        let mut k = start;
        while !placed[k] {
            placed[k] = true;
            let next = order[k];
            if next == start {
                break;
            }
            v.swap(k, next);
            k = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every arrangement of small lists with ties: the same order as the standard
    /// library's stable sort, ties included (told apart by their second field).
    #[test]
    fn orders_exactly_as_the_standard_stable_sort() {
        for len in 0..=7usize {
            // All lists of `len` keys from 0..3 (ties guaranteed), tagged by position.
            for code in 0..3usize.pow(len as u32) {
                let list: Vec<(usize, usize)> = (0..len)
                    .map(|i| (code / 3usize.pow(i as u32) % 3, i))
                    .collect();
                let mut ours = list.clone();
                let mut std = list.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                std.sort_by_key(|a| a.0);
                assert_eq!(ours, std, "{list:?}");
                let mut ours = list.clone();
                let mut std = list;
                sort_by_key(&mut ours, |e| std::cmp::Reverse(e.0));
                std.sort_by_key(|e| std::cmp::Reverse(e.0));
                assert_eq!(ours, std);
            }
        }
    }

    #[test]
    fn moves_owned_elements_without_cloning() {
        let mut words: Vec<String> = ["pear", "fig", "apple", "kiwi", "date"]
            .map(String::from)
            .to_vec();
        sort_by_key(&mut words, |w| w.len());
        assert_eq!(words, ["fig", "pear", "kiwi", "date", "apple"]);
    }

    #[test]
    fn permute_applies_every_cycle_shape() {
        let orders: [&[usize]; 5] = [&[], &[0], &[1, 0], &[2, 0, 1], &[3, 2, 1, 0, 4]];
        for order in orders {
            let mut v: Vec<usize> = (0..order.len()).collect();
            permute(&mut v, order);
            assert_eq!(v, order);
        }
    }
}
