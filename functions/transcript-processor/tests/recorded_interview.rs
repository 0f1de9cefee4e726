//! The recorded interview of tests/fixtures/interview, natively: its events mapped to
//! entries and item events the way the relay stores them (received_seq = the order of
//! receipt), then ordered and measured. The metrics must equal the hand-checked
//! expected-metrics.json exactly, whatever the order of receipt.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use transcript_processor::metrics::compute;
use transcript_processor::ordering::{order, Entry, ItemEvent, Speaker};
use uuid::Uuid;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/interview/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn relayed(events: &[Value]) -> (Vec<Entry>, Vec<ItemEvent>) {
    let mut entries = Vec::new();
    let mut items = Vec::new();
    for (seq, e) in events.iter().enumerate() {
        let seq = seq as i64 + 1;
        let kind = e["type"].as_str().unwrap();
        let speaker = match kind {
            "conversation.item.input_audio_transcription.completed" => Some(Speaker::Candidate),
            "response.output_audio_transcript.done" => Some(Speaker::Interviewer),
            _ => None,
        };
        if let Some(speaker) = speaker {
            entries.push(Entry {
                id: Uuid::from_u128(seq as u128),
                speaker,
                text: e["transcript"].as_str().unwrap().to_owned(),
                item_id: e["item_id"].as_str().map(str::to_owned),
                content_index: 0,
                received_seq: seq,
                start_ms: None,
                end_ms: None,
            });
            continue;
        }
        let (item, prev, ms) = match kind {
            "input_audio_buffer.speech_started" => (
                e["item_id"].clone(),
                Value::Null,
                e["audio_start_ms"].clone(),
            ),
            "input_audio_buffer.speech_stopped" => {
                (e["item_id"].clone(), Value::Null, e["audio_end_ms"].clone())
            }
            "input_audio_buffer.committed" => (
                e["item_id"].clone(),
                e["previous_item_id"].clone(),
                Value::Null,
            ),
            "conversation.item.added" | "conversation.item.done" => (
                e["item"]["id"].clone(),
                e["previous_item_id"].clone(),
                Value::Null,
            ),
            _ => continue,
        };
        items.push(ItemEvent {
            event_type: kind.to_owned(),
            item_id: item.as_str().unwrap().to_owned(),
            previous_item_id: prev.as_str().map(str::to_owned),
            audio_ms: ms.as_u64().map(|m| m as u32),
            received_seq: seq,
        });
    }
    (entries, items)
}

fn events() -> Vec<Value> {
    fixture("recorded-events.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn expected() -> Value {
    serde_json::from_str(&fixture("expected-metrics.json")).unwrap()
}

#[test]
fn the_recorded_interview_measures_as_computed_by_hand() {
    let (entries, items) = relayed(&events());
    let ordered = order(entries, &items);
    let expected = expected();
    let words: Vec<usize> = ordered
        .iter()
        .map(|e| transcript_processor::metrics::words(&e.text).len())
        .collect();
    let want: Vec<usize> = expected["entries_in_conversation_order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["words"].as_u64().unwrap() as usize)
        .collect();
    assert_eq!(words, want, "entries in conversation order, word for word");
    let metrics = serde_json::to_value(compute(&ordered)).unwrap();
    assert_eq!(metrics, expected["metrics"]);
}

#[test]
fn the_order_of_receipt_does_not_change_the_result() {
    let mut evs = events();
    // Reverse the whole recording, then rotate it: the worst arrival orders.
    evs.reverse();
    let (entries, items) = relayed(&evs);
    assert_eq!(
        serde_json::to_value(compute(&order(entries, &items))).unwrap(),
        expected()["metrics"]
    );
    let mut evs = events();
    evs.rotate_left(150);
    let (entries, items) = relayed(&evs);
    assert_eq!(
        serde_json::to_value(compute(&order(entries, &items))).unwrap(),
        expected()["metrics"]
    );
}
