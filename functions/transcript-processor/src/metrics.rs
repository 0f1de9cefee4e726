//! Deterministic transcript metrics, computed from the entries in conversation order
//! (see [`crate::ordering`]). Always available: no vendor, no randomness, the same
//! transcript gives the same numbers.
//!
//! Definitions (the hand-computed fixture `tests/fixtures/interview/expected-metrics.json`
//! follows them):
//! - **words**: whitespace-separated tokens that contain at least one letter or digit
//!   ("don't" is one word, "—" none).
//! - **turns**: maximal runs of consecutive entries by the same speaker (system entries
//!   are left out and do not break a run).
//! - **talk_ms**, candidate: the sum over their entries of `end_ms - start_ms`, the
//!   speech server VAD measured on the session's audio clock (`speech_started` /
//!   `speech_stopped`); entries without both times add nothing.
//! - **talk_ms**, interviewer: Realtime reports no timing for the model's own audio, so
//!   the interviewer's time is the floor they held: for each interviewer turn, from the
//!   end of the candidate's speech before it (0 for an opening turn) to the start of the
//!   candidate's speech after it. A closing turn with no candidate speech after it has
//!   no measurable end and adds nothing. This includes the model's latency and the
//!   candidate's pause before answering.
//! - **response latency** (`response_latency_ms`): for each candidate turn that follows
//!   an interviewer turn, the time from the end of the candidate's previous speech to
//!   the start of this answer (the question and the pause before answering, the only
//!   span both of whose ends the audio clock gives); `count`, `mean` (rounded to the
//!   nearest ms), `median` (the mean of the two middle values for an even count,
//!   rounded), `max`. `null` when no such pair is timed.
//! - **words_per_minute**: `words / (talk_ms / 60000)` counting only the words of the
//!   timed speech (candidate entries with both times; interviewer turns whose floor was
//!   measured), one decimal; `null` without timed speech.
//! - **fillers**: `um umm uh uhh erm er ah hmm mm` as whole words, and the phrases
//!   "you know" and "i mean", case-insensitive, punctuation around words ignored; "like"
//!   is left out on purpose (it is usually a real word). `filler_rate` is fillers per
//!   100 words, two decimals.
//! - **questions**: sentences ending in `?` (a run of `?` is one question);
//!   `questions_asked` is the interviewer's.
//! - **candidate_talk_share**: candidate talk / (candidate + interviewer talk), three
//!   decimals; `null` when neither has any.
//!
//! Rounding is half away from zero.

use serde::Serialize;

use crate::ordering::{Entry, Speaker};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "TranscriptMetrics"))]
pub struct Metrics {
    pub speakers: Speakers,
    pub entries: usize,
    pub turns: usize,
    pub questions_asked: usize,
    pub response_latency_ms: Option<Latency>,
    pub candidate_talk_share: Option<f64>,
    /// How the times were measured: `"vad"` (see the module doc).
    pub timing: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "TranscriptSpeakers"))]
pub struct Speakers {
    pub candidate: SpeakerMetrics,
    pub interviewer: SpeakerMetrics,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpeakerMetrics {
    pub words: usize,
    pub turns: usize,
    pub talk_ms: u64,
    pub entries: usize,
    pub words_per_minute: Option<f64>,
    pub filler_words: usize,
    pub filler_rate: Option<f64>,
    pub questions: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ResponseLatency"))]
pub struct Latency {
    pub count: usize,
    pub mean: u64,
    pub median: u64,
    pub max: u64,
}

const FILLERS: [&str; 9] = ["um", "umm", "uh", "uhh", "erm", "er", "ah", "hmm", "mm"];
const FILLER_PHRASES: [[&str; 2]; 2] = [["you", "know"], ["i", "mean"]];

/// One speaker's consecutive entries.
struct Turn<'a> {
    speaker: Speaker,
    entries: Vec<&'a Entry>,
}

impl Turn<'_> {
    fn start(&self) -> Option<u32> {
        self.entries.iter().filter_map(|e| e.start_ms).min()
    }
    fn end(&self) -> Option<u32> {
        self.entries.iter().filter_map(|e| e.end_ms).max()
    }
}

/// The metrics of `entries`, which must be in conversation order.
pub fn compute(entries: &[Entry]) -> Metrics {
    let spoken: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.speaker != Speaker::System)
        .collect();
    let mut turns: Vec<Turn> = Vec::new();
    for entry in &spoken {
        match turns.last_mut() {
            Some(turn) if turn.speaker == entry.speaker => turn.entries.push(entry),
            _ => turns.push(Turn {
                speaker: entry.speaker,
                entries: vec![entry],
            }),
        }
    }

    let mut candidate = speaker_metrics(&spoken, Speaker::Candidate);
    let mut interviewer = speaker_metrics(&spoken, Speaker::Interviewer);
    candidate.turns = turns
        .iter()
        .filter(|t| t.speaker == Speaker::Candidate)
        .count();
    interviewer.turns = turns
        .iter()
        .filter(|t| t.speaker == Speaker::Interviewer)
        .count();

    // The candidate's speech around each interviewer turn, and the gaps it answers in.
    let mut floor_ms: u64 = 0;
    let mut floor_words: usize = 0;
    let mut latencies: Vec<u64> = Vec::new();
    let mut last_candidate_end: Option<u32> = None;
    let mut seen_candidate = false;
    for (i, turn) in turns.iter().enumerate() {
        match turn.speaker {
            Speaker::Candidate => {
                let follows_interviewer = i > 0 && turns[i - 1].speaker == Speaker::Interviewer;
                if let (true, Some(prev_end), Some(start)) =
                    (follows_interviewer, last_candidate_end, turn.start())
                {
                    if start >= prev_end {
                        latencies.push(u64::from(start - prev_end));
                    }
                }
                seen_candidate = true;
                if let Some(end) = turn.end() {
                    last_candidate_end = Some(end);
                }
            }
            Speaker::Interviewer => {
                let from = if seen_candidate {
                    last_candidate_end
                } else {
                    Some(0)
                };
                let to = turns
                    .get(i + 1)
                    .filter(|t| t.speaker == Speaker::Candidate)
                    .and_then(Turn::start);
                if let (Some(from), Some(to)) = (from, to) {
                    floor_ms += u64::from(to.saturating_sub(from));
                    floor_words += turn
                        .entries
                        .iter()
                        .map(|e| words(&e.text).len())
                        .sum::<usize>();
                }
            }
            Speaker::System => {}
        }
    }
    interviewer.talk_ms = floor_ms;
    interviewer.words_per_minute =
        (floor_ms > 0).then(|| round(floor_words as f64 * 60_000.0 / floor_ms as f64, 1));

    let total = candidate.talk_ms + interviewer.talk_ms;
    Metrics {
        entries: spoken.len(),
        turns: turns.len(),
        questions_asked: interviewer.questions,
        response_latency_ms: latency(&mut latencies),
        candidate_talk_share: (total > 0)
            .then(|| round(candidate.talk_ms as f64 / total as f64, 3)),
        speakers: Speakers {
            candidate: std::mem::take(&mut candidate),
            interviewer,
        },
        timing: "vad",
    }
}

fn speaker_metrics(entries: &[&Entry], speaker: Speaker) -> SpeakerMetrics {
    let mut m = SpeakerMetrics::default();
    let mut timed_words = 0usize;
    for entry in entries.iter().filter(|e| e.speaker == speaker) {
        let words = words(&entry.text);
        m.entries += 1;
        m.words += words.len();
        m.filler_words += fillers(&words);
        m.questions += questions(&entry.text);
        if let (Some(start), Some(end)) = (entry.start_ms, entry.end_ms) {
            if end >= start {
                m.talk_ms += u64::from(end - start);
                timed_words += words.len();
            }
        }
    }
    if m.talk_ms > 0 {
        m.words_per_minute = Some(round(timed_words as f64 * 60_000.0 / m.talk_ms as f64, 1));
    }
    if m.words > 0 {
        m.filler_rate = Some(round(m.filler_words as f64 * 100.0 / m.words as f64, 2));
    }
    m
}

/// The words of `text`, lower-cased, without the punctuation around them.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .map(|t| {
            t.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect()
}

fn fillers(words: &[String]) -> usize {
    let single = words
        .iter()
        .filter(|w| FILLERS.contains(&w.as_str()))
        .count();
    let phrases = words
        .windows(2)
        .filter(|pair| {
            FILLER_PHRASES
                .iter()
                .any(|p| pair[0] == p[0] && pair[1] == p[1])
        })
        .count();
    single + phrases
}

fn questions(text: &str) -> usize {
    let mut count = 0;
    let mut previous = ' ';
    for c in text.chars() {
        if c == '?' && previous != '?' {
            count += 1;
        }
        previous = c;
    }
    count
}

fn latency(values: &mut [u64]) -> Option<Latency> {
    if values.is_empty() {
        return None;
    }
    slim_sort::sort_by(values, u64::cmp);
    let n = values.len();
    let sum: u64 = values.iter().sum();
    let median = if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0
    };
    Some(Latency {
        count: n,
        mean: (sum as f64 / n as f64).round() as u64,
        median: median.round() as u64,
        max: values[n - 1],
    })
}

/// Half away from zero, to `decimals` places.
fn round(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn e(speaker: Speaker, text: &str, times: Option<(u32, u32)>) -> Entry {
        Entry {
            id: Uuid::nil(),
            speaker,
            text: text.into(),
            item_id: None,
            content_index: 0,
            received_seq: 0,
            start_ms: times.map(|t| t.0),
            end_ms: times.map(|t| t.1),
        }
    }

    use Speaker::{Candidate as C, Interviewer as I};

    #[test]
    fn words_count_tokens_with_a_letter_or_digit() {
        assert_eq!(words("Well — I don't know... 3.5 years, e-mail!").len(), 7);
        assert_eq!(words("  ").len(), 0);
        assert_eq!(words("Um, (yes)."), ["um", "yes"]);
    }

    #[test]
    fn fillers_are_whole_words_and_two_phrases() {
        let w = words("Um, I mean, you know, the umbrella was, uh, like, hmm... erm");
        // um, i mean, you know, uh, hmm, erm; not "umbrella", not "like".
        assert_eq!(fillers(&w), 6);
    }

    #[test]
    fn questions_end_in_a_question_mark() {
        assert_eq!(questions("Why? And how?? Tell me."), 2);
        assert_eq!(questions("No question."), 0);
    }

    #[test]
    fn a_small_interview_by_hand() {
        // Audio clock: I opens; C speaks 2000-6000; I; C speaks 9000-12000 (twice); I closes.
        let entries = vec![
            e(I, "Welcome. Ready to start?", None),
            e(C, "Yes, um, I am ready.", Some((2000, 6000))),
            e(I, "Great. What did you build last?", None),
            e(C, "A billing service.", Some((9000, 10000))),
            e(C, "You know, in Rust.", Some((10500, 12000))),
            e(I, "Thank you, that is all.", None),
        ];
        let m = compute(&entries);
        assert_eq!(m.entries, 6);
        assert_eq!(m.turns, 5);
        let c = &m.speakers.candidate;
        // words 5 + 3 + 4; talk 4000 + 1000 + 1500; wpm 12 / 6.5 min*1000 = 110.8
        assert_eq!((c.words, c.turns, c.talk_ms, c.entries), (12, 2, 6500, 3));
        assert_eq!(c.words_per_minute, Some(110.8));
        assert_eq!((c.filler_words, c.filler_rate), (2, Some(16.67)));
        let i = &m.speakers.interviewer;
        // words 4 + 6 + 5; floor 0-2000 and 6000-9000; the closing turn adds nothing,
        // to the time or to the words per minute (10 words in 5 s).
        assert_eq!((i.words, i.turns, i.talk_ms, i.questions), (15, 3, 5000, 2));
        assert_eq!(i.words_per_minute, Some(120.0));
        assert_eq!(m.questions_asked, 2);
        assert_eq!(
            m.response_latency_ms,
            Some(Latency {
                count: 1,
                mean: 3000,
                median: 3000,
                max: 3000
            })
        );
        assert_eq!(m.candidate_talk_share, Some(0.565));
    }

    #[test]
    fn untimed_transcripts_still_count_words_and_turns() {
        let m = compute(&[e(I, "Hello?", None), e(C, "Hi.", None)]);
        assert_eq!(
            (m.speakers.candidate.talk_ms, m.speakers.interviewer.talk_ms),
            (0, 0)
        );
        assert_eq!(m.speakers.candidate.words_per_minute, None);
        assert_eq!(m.response_latency_ms, None);
        assert_eq!(m.candidate_talk_share, None);
        assert_eq!(m.turns, 2);
    }

    #[test]
    fn system_entries_neither_count_nor_break_turns() {
        let m = compute(&[
            e(C, "One.", None),
            e(Speaker::System, "Connection lost.", None),
            e(C, "Two.", None),
        ]);
        assert_eq!((m.entries, m.turns, m.speakers.candidate.turns), (2, 1, 1));
    }

    #[test]
    fn latency_statistics_and_rounding() {
        let mut v = vec![300, 100, 200, 401];
        let l = latency(&mut v).unwrap();
        assert_eq!((l.count, l.mean, l.median, l.max), (4, 250, 250, 401));
        let l = latency(&mut [201, 100]).unwrap();
        assert_eq!((l.count, l.mean, l.median, l.max), (2, 151, 151, 201));
        assert_eq!(latency(&mut []), None);
        assert_eq!(round(2.5, 0), 3.0);
        assert_eq!(round(0.125, 2), 0.13);
        assert_eq!(round(-2.5, 0), -3.0);
    }

    #[test]
    fn empty_transcript_is_all_zeros() {
        let m = compute(&[]);
        assert_eq!((m.entries, m.turns, m.questions_asked), (0, 0, 0));
        assert_eq!(m.speakers.candidate, SpeakerMetrics::default());
    }
}
