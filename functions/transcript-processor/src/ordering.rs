//! The conversation order of a relayed transcript, and the candidate's speech timing.
//!
//! Arrival order is not conversation order: OpenAI transcribes the candidate's audio on
//! a separate model, asynchronously, so the candidate's transcript often arrives after
//! the interviewer's reply to it, and a client that reconnects resends older events
//! after newer ones. What does give the order is the conversation's item chain: every
//! item names the one before it (`previous_item_id` of `input_audio_buffer.committed` /
//! `conversation.item.added`). So:
//!
//! 1. Every item that has entries or links is a node; `previous_item_id` links it to its
//!    predecessor (the first link received wins if a client sent conflicting ones).
//! 2. The nodes are walked from each root (a node without a known predecessor) along
//!    its successors; a chain broken by a lost link becomes two fragments.
//! 3. Fragments (and anything a cycle would hide) are placed by the earliest moment the
//!    relay received any of their records: the received-at sequence is the fallback,
//!    never the first choice.
//! 4. Within an item, entries go by content index, then receipt.
//!
//! Entries without an item id (none come from the relay, but the table allows them) are
//! nodes of their own. The candidate's start/end come from the entry (the relay copies
//! the VAD times onto it) or, failing that, from the VAD events of its item.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Candidate,
    Interviewer,
    System,
}

/// A transcript entry as the processor reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Uuid,
    pub speaker: Speaker,
    pub text: String,
    pub item_id: Option<String>,
    pub content_index: u32,
    /// The relay's order of receipt (0 when unknown).
    pub received_seq: i64,
    pub start_ms: Option<u32>,
    pub end_ms: Option<u32>,
}

/// An item event as the relay stored it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemEvent {
    pub event_type: String,
    pub item_id: String,
    pub previous_item_id: Option<String>,
    pub audio_ms: Option<u32>,
    pub received_seq: i64,
}

const SPEECH_STARTED: &str = "input_audio_buffer.speech_started";
const SPEECH_STOPPED: &str = "input_audio_buffer.speech_stopped";

/// `entries` in conversation order, the candidate's VAD times filled in.
pub fn order(entries: Vec<Entry>, items: &[ItemEvent]) -> Vec<Entry> {
    let mut events: Vec<&ItemEvent> = items.iter().collect();
    slim_sort::sort_by_key(&mut events, |e| e.received_seq);

    // Links and VAD times; the first received wins.
    let mut nodes = Nodes::default();
    for e in &events {
        let item = nodes.seen(&e.item_id, e.received_seq);
        if let Some(prev) = &e.previous_item_id {
            if prev != &e.item_id && nodes.previous[item].is_none() {
                // The predecessor is a node even if nothing else names it.
                let prev = nodes.mention(prev, e.received_seq);
                nodes.previous[item] = Some(prev);
            }
        }
        match (e.event_type.as_str(), e.audio_ms) {
            (SPEECH_STARTED, Some(ms)) => {
                nodes.started[item].get_or_insert(ms);
            }
            (SPEECH_STOPPED, Some(ms)) => {
                nodes.stopped[item].get_or_insert(ms);
            }
            _ => {}
        }
    }

    // Entries by node, each node's entries in order.
    let mut by_node: Vec<Vec<Entry>> = Vec::new();
    for mut entry in entries {
        let node = nodes.seen(&node_of(&entry), entry.received_seq);
        if entry.speaker == Speaker::Candidate && entry.item_id.is_some() {
            // An entry with an item id is the node of that item.
            entry.start_ms = entry.start_ms.or(nodes.started[node]);
            entry.end_ms = entry.end_ms.or(nodes.stopped[node]);
            if let (Some(start), Some(end)) = (entry.start_ms, entry.end_ms) {
                if end < start {
                    entry.end_ms = None;
                }
            }
        }
        if by_node.len() <= node {
            by_node.resize_with(node + 1, Vec::new);
        }
        by_node[node].push(entry);
    }
    for list in &mut by_node {
        slim_sort::sort_by_key(list, |e| (e.content_index, e.received_seq));
    }

    // Every node's rank in (earliest receipt, name) order: successors, roots and the
    // nodes a cycle hides are each taken in this order.
    let count = nodes.names.len();
    let mut by_key: Vec<usize> = (0..count).collect();
    slim_sort::sort_by(&mut by_key, |&a, &b| {
        (nodes.first_seen[a], &nodes.names[a]).cmp(&(nodes.first_seen[b], &nodes.names[b]))
    });
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &node in &by_key {
        if let Some(prev) = nodes.previous[node] {
            next[prev].push(node);
        }
    }

    let mut visited = vec![false; count];
    let mut fragments: Vec<(i64, Vec<usize>)> = Vec::new();
    let mut walk = |root: usize, visited: &mut Vec<bool>| {
        // Depth-first along successors, without recursion (a transcript can be long).
        let mut chain = Vec::new();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if std::mem::replace(&mut visited[node], true) {
                continue;
            }
            stack.extend(next[node].iter().rev());
            chain.push(node);
        }
        if let Some(earliest) = chain.iter().map(|&n| nodes.first_seen[n]).min() {
            fragments.push((earliest, chain));
        }
    };
    for &root in by_key.iter().filter(|&&n| nodes.previous[n].is_none()) {
        walk(root, &mut visited);
    }
    // Nodes only reachable through a cycle: broken at their earliest-seen node.
    for &node in &by_key {
        if !visited[node] {
            walk(node, &mut visited);
        }
    }
    slim_sort::sort_by_key(&mut fragments, |(earliest, _)| *earliest);

    let mut ordered = Vec::new();
    for (_, chain) in fragments {
        for node in chain {
            if let Some(list) = by_node.get_mut(node) {
                ordered.append(list);
            }
        }
    }
    ordered
}

/// The nodes (item ids, and the stand-ins of entries without one), numbered as first
/// mentioned, with what is known of each. Numbers index plain vectors, so the ordering
/// keeps one map (name to number) rather than one per fact: each map type is its own
/// copy of the B-tree code in the wasm module.
#[derive(Default)]
struct Nodes {
    numbers: BTreeMap<String, usize>,
    names: Vec<String>,
    /// The earliest receipt of anything about the node.
    first_seen: Vec<i64>,
    previous: Vec<Option<usize>>,
    started: Vec<Option<u32>>,
    stopped: Vec<Option<u32>>,
}

impl Nodes {
    /// The node named `name`; a new one is first seen at `seq`.
    fn mention(&mut self, name: &str, seq: i64) -> usize {
        if let Some(&n) = self.numbers.get(name) {
            return n;
        }
        let n = self.names.len();
        self.numbers.insert(name.to_owned(), n);
        self.names.push(name.to_owned());
        self.first_seen.push(seq);
        self.previous.push(None);
        self.started.push(None);
        self.stopped.push(None);
        n
    }

    /// The node named `name`, something about it received at `seq`.
    fn seen(&mut self, name: &str, seq: i64) -> usize {
        let n = self.mention(name, seq);
        self.first_seen[n] = self.first_seen[n].min(seq);
        n
    }
}

fn node_of(entry: &Entry) -> String {
    match &entry.item_id {
        Some(item) => item.clone(),
        // Not an item id OpenAI would use (theirs have no spaces).
        None => format!("entry {}", entry.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u128, speaker: Speaker, item: &str, seq: i64) -> Entry {
        Entry {
            id: Uuid::from_u128(n),
            speaker,
            text: format!("text {n}"),
            item_id: Some(item.into()),
            content_index: 0,
            received_seq: seq,
            start_ms: None,
            end_ms: None,
        }
    }

    fn link(item: &str, prev: Option<&str>, seq: i64) -> ItemEvent {
        ItemEvent {
            event_type: "conversation.item.added".into(),
            item_id: item.into(),
            previous_item_id: prev.map(str::to_owned),
            audio_ms: None,
            received_seq: seq,
        }
    }

    fn vad(kind: &str, item: &str, ms: u32, seq: i64) -> ItemEvent {
        ItemEvent {
            event_type: kind.into(),
            item_id: item.into(),
            previous_item_id: None,
            audio_ms: Some(ms),
            received_seq: seq,
        }
    }

    fn ids(entries: &[Entry]) -> Vec<u128> {
        entries.iter().map(|e| e.id.as_u128()).collect()
    }

    use Speaker::{Candidate as C, Interviewer as I};

    #[test]
    fn the_item_chain_beats_arrival_order() {
        // The candidate's transcript (2) arrives after the interviewer's reply to it (3).
        let entries = vec![
            entry(1, I, "a0", 1),
            entry(3, I, "a1", 5),
            entry(2, C, "u1", 6),
            entry(4, C, "u2", 9),
        ];
        let items = vec![
            link("a0", None, 0),
            link("u1", Some("a0"), 2),
            link("a1", Some("u1"), 3),
            link("u2", Some("a1"), 7),
        ];
        assert_eq!(ids(&order(entries, &items)), [1, 2, 3, 4]);
    }

    #[test]
    fn without_links_arrival_order_is_the_fallback() {
        let entries = vec![
            entry(2, C, "u1", 20),
            entry(1, I, "a0", 10),
            entry(3, I, "a1", 30),
        ];
        assert_eq!(ids(&order(entries, &[])), [1, 2, 3]);
    }

    #[test]
    fn a_lost_link_splits_the_chain_and_fragments_go_by_first_receipt() {
        // a1's link to u1 was never relayed: [a0, u1] and [a1, u2] are fragments.
        let entries = vec![
            entry(1, I, "a0", 1),
            entry(2, C, "u1", 4),
            entry(3, I, "a1", 5),
            entry(4, C, "u2", 8),
        ];
        let items = vec![link("u1", Some("a0"), 2), link("u2", Some("a1"), 6)];
        assert_eq!(ids(&order(entries, &items)), [1, 2, 3, 4]);
    }

    #[test]
    fn links_through_items_without_entries_still_order() {
        // "f1" (a function call, say) has no transcript; the chain passes through it.
        let entries = vec![entry(2, I, "a1", 3), entry(1, C, "u1", 9)];
        let items = vec![
            link("f1", Some("u1"), 1),
            link("a1", Some("f1"), 2),
            link("u1", None, 0),
        ];
        assert_eq!(ids(&order(entries, &items)), [1, 2]);
    }

    #[test]
    fn a_cycle_does_not_lose_entries() {
        let entries = vec![entry(1, C, "x", 1), entry(2, I, "y", 2)];
        let items = vec![link("x", Some("y"), 3), link("y", Some("x"), 4)];
        let got = order(entries, &items);
        assert_eq!(got.len(), 2);
        assert_eq!(ids(&got), [1, 2]);
    }

    #[test]
    fn conflicting_links_keep_the_first_received() {
        let entries = vec![
            entry(1, I, "a0", 1),
            entry(2, C, "u1", 2),
            entry(3, I, "a1", 3),
        ];
        let items = vec![
            link("u1", Some("a0"), 4),
            link("a1", Some("u1"), 5),
            link("u1", Some("a1"), 6),
        ];
        assert_eq!(ids(&order(entries, &items)), [1, 2, 3]);
    }

    #[test]
    fn candidate_timing_comes_from_the_entry_or_its_items_vad() {
        let mut with_own = entry(1, C, "u1", 1);
        with_own.start_ms = Some(100);
        let entries = vec![
            with_own,
            entry(2, C, "u2", 2),
            entry(3, I, "a1", 3),
            entry(4, C, "u3", 4),
        ];
        let items = vec![
            vad(SPEECH_STARTED, "u1", 999, 0),
            vad(SPEECH_STOPPED, "u1", 900, 0),
            vad(SPEECH_STARTED, "u2", 2000, 0),
            vad(SPEECH_STOPPED, "u2", 3500, 0),
            vad(SPEECH_STOPPED, "u2", 3900, 5),
            vad(SPEECH_STARTED, "u3", 5000, 4),
            vad(SPEECH_STOPPED, "u3", 4000, 4),
            // VAD on an interviewer item is not the interviewer's timing.
            vad(SPEECH_STARTED, "a1", 4200, 10),
        ];
        let got = order(entries, &items);
        let times: Vec<(Option<u32>, Option<u32>)> =
            got.iter().map(|e| (e.start_ms, e.end_ms)).collect();
        assert_eq!(
            times,
            [
                (Some(100), Some(900)),
                (Some(2000), Some(3500)),
                (None, None),
                (Some(5000), None)
            ]
        );
    }

    #[test]
    fn entries_of_one_item_go_by_content_index_and_entries_without_items_by_receipt() {
        let mut second = entry(2, I, "a0", 1);
        second.content_index = 1;
        let mut first = entry(1, I, "a0", 2);
        first.content_index = 0;
        let mut loose = entry(3, Speaker::System, "x", 3);
        loose.item_id = None;
        assert_eq!(ids(&order(vec![loose, second, first], &[])), [1, 2, 3]);
    }

    use std::collections::BTreeSet;

    /// The string-keyed form of [`order`] it replaced, kept as the oracle it must agree with.
    fn reference(entries: Vec<Entry>, items: &[ItemEvent]) -> Vec<Entry> {
        let mut events: Vec<&ItemEvent> = items.iter().collect();
        events.sort_by_key(|e| e.received_seq);

        // Links and VAD times; the first received wins.
        let mut previous: BTreeMap<String, String> = BTreeMap::new();
        let mut started: BTreeMap<&str, u32> = BTreeMap::new();
        let mut stopped: BTreeMap<&str, u32> = BTreeMap::new();
        // The earliest receipt of anything about a node.
        let mut first_seen: BTreeMap<String, i64> = BTreeMap::new();
        let seen = |node: &str, seq: i64, first_seen: &mut BTreeMap<String, i64>| {
            let at = first_seen.entry(node.to_owned()).or_insert(seq);
            *at = (*at).min(seq);
        };
        for e in &events {
            seen(&e.item_id, e.received_seq, &mut first_seen);
            if let Some(prev) = &e.previous_item_id {
                if prev != &e.item_id && !previous.contains_key(&e.item_id) {
                    previous.insert(e.item_id.clone(), prev.clone());
                    // The predecessor is a node even if nothing else names it.
                    first_seen.entry(prev.clone()).or_insert(e.received_seq);
                }
            }
            match (e.event_type.as_str(), e.audio_ms) {
                (SPEECH_STARTED, Some(ms)) => {
                    started.entry(&e.item_id).or_insert(ms);
                }
                (SPEECH_STOPPED, Some(ms)) => {
                    stopped.entry(&e.item_id).or_insert(ms);
                }
                _ => {}
            }
        }

        // Entries by node, each node's entries in order.
        let mut by_node: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
        for mut entry in entries {
            let node = node_of(&entry);
            seen(&node, entry.received_seq, &mut first_seen);
            if entry.speaker == Speaker::Candidate {
                if let Some(item) = &entry.item_id {
                    entry.start_ms = entry
                        .start_ms
                        .or_else(|| started.get(item.as_str()).copied());
                    entry.end_ms = entry.end_ms.or_else(|| stopped.get(item.as_str()).copied());
                    if let (Some(start), Some(end)) = (entry.start_ms, entry.end_ms) {
                        if end < start {
                            entry.end_ms = None;
                        }
                    }
                }
            }
            by_node.entry(node).or_default().push(entry);
        }
        for list in by_node.values_mut() {
            list.sort_by_key(|e| (e.content_index, e.received_seq));
        }

        // Successors of each node, earliest-seen first.
        let key = |node: &str| {
            (
                first_seen.get(node).copied().unwrap_or(i64::MAX),
                node.to_owned(),
            )
        };
        let mut next: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (item, prev) in &previous {
            next.entry(prev.clone()).or_default().push(item.clone());
        }
        for list in next.values_mut() {
            list.sort_by_key(|n| key(n));
        }
        let mut starts: Vec<String> = first_seen
            .keys()
            .filter(|n| !previous.contains_key(*n))
            .cloned()
            .collect();
        starts.sort_by_key(|n| key(n));

        let mut visited: BTreeSet<String> = BTreeSet::new();
        let mut fragments: Vec<(i64, Vec<String>)> = Vec::new();
        let mut walk = |root: String, visited: &mut BTreeSet<String>| {
            // Depth-first along successors, without recursion (a transcript can be long).
            let mut chain = Vec::new();
            let mut stack = vec![root];
            while let Some(node) = stack.pop() {
                if !visited.insert(node.clone()) {
                    continue;
                }
                if let Some(succ) = next.get(&node) {
                    stack.extend(succ.iter().rev().cloned());
                }
                chain.push(node);
            }
            if let Some(earliest) = chain.iter().map(|n| key(n).0).min() {
                fragments.push((earliest, chain));
            }
        };
        for root in starts {
            walk(root, &mut visited);
        }
        // Nodes only reachable through a cycle: broken at their earliest-seen node.
        let mut rest: Vec<String> = first_seen
            .keys()
            .filter(|n| !visited.contains(*n))
            .cloned()
            .collect();
        rest.sort_by_key(|n| key(n));
        for node in rest {
            walk(node, &mut visited);
        }
        fragments.sort_by_key(|(earliest, _)| *earliest);

        let mut ordered = Vec::new();
        for (_, chain) in fragments {
            for node in chain {
                if let Some(list) = by_node.remove(&node) {
                    ordered.extend(list);
                }
            }
        }
        ordered
    }

    /// Random transcripts (links to known, unknown and own items, conflicting links,
    /// cycles, VAD times in any order, entries without items, equal receipts): the same
    /// order and times as the oracle.
    #[test]
    fn agrees_with_the_string_keyed_oracle() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut rand = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for _ in 0..3000 {
            let names = ["a0", "u1", "a1", "u2", "f1", "x", "y"];
            let pick = |rand: &mut dyn FnMut(u64) -> u64| {
                names[rand(names.len() as u64) as usize].to_owned()
            };
            let items: Vec<ItemEvent> = (0..rand(12))
                .map(|_| {
                    let kind = rand(4);
                    ItemEvent {
                        event_type: match kind {
                            0 => SPEECH_STARTED.into(),
                            1 => SPEECH_STOPPED.into(),
                            _ => "conversation.item.added".into(),
                        },
                        item_id: pick(&mut rand),
                        previous_item_id: (rand(3) > 0).then(|| pick(&mut rand)),
                        audio_ms: (rand(4) > 0).then(|| rand(5000) as u32),
                        received_seq: rand(10) as i64,
                    }
                })
                .collect();
            let entries: Vec<Entry> = (0..rand(10))
                .map(|n| Entry {
                    id: Uuid::from_u128(n as u128 + 1),
                    speaker: [C, I, Speaker::System][rand(3) as usize],
                    text: format!("text {n}"),
                    item_id: (rand(5) > 0).then(|| pick(&mut rand)),
                    content_index: rand(3) as u32,
                    received_seq: rand(10) as i64,
                    start_ms: (rand(3) == 0).then(|| rand(5000) as u32),
                    end_ms: (rand(3) == 0).then(|| rand(5000) as u32),
                })
                .collect();
            assert_eq!(
                order(entries.clone(), &items),
                reference(entries.clone(), &items),
                "{entries:?} {items:?}"
            );
        }
    }
}
