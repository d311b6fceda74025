//! Text normalisation and feature hashing: no word segmenter, the same code for Chinese and English.
//!
//! 1. Normalise each character: full-width ASCII (`Ａ１！`) and the ideographic space become half-width, letters are
//!    lower-cased, every run of digits becomes one placeholder `0` (phone numbers, dates, house numbers and the
//!    anonymised district numbers carry no topic), and everything that is neither a letter nor a digit
//!    (punctuation, symbols, whitespace, emoji) is a boundary.
//! 2. Split the text at the boundaries into runs, and each run into *CJK* stretches (Han, kana, hangul, bopomofo) and
//!    *Latin* stretches (any other letters and the digit placeholder).
//! 3. Features: character n-grams (`1..=cjk_ngram_max`) inside each CJK stretch; word unigrams and, optionally,
//!    bigrams of consecutive words for Latin stretches (whitespace separates words, punctuation stops a bigram).
//!
//! A feature is identified by a 32-bit hash of its characters and kind, so the model stores no strings. With the few
//! tens of thousands of features a model keeps, a collision between two kept features is a one-in-a-thousand event
//! and merely merges two features.

/// What a single character is, after normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Latin,
    Digit,
    /// Whitespace: separates words and CJK stretches, but a Latin bigram may span it.
    Space,
    /// Punctuation and symbols: a hard boundary.
    Break,
}

/// Full-width ASCII variants (U+FF01..U+FF5E) and U+3000 become their ASCII counterparts.
pub(crate) fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF       // hiragana, katakana
        | 0x3100..=0x312F     // bopomofo
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xAC00..=0xD7AF     // hangul syllables
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0x20000..=0x3134F   // extensions B..G
    )
}

fn classify(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_numeric() {
        Class::Digit
    } else if c.is_alphabetic() {
        Class::Latin
    } else if c.is_whitespace() {
        Class::Space
    } else {
        Class::Break
    }
}

/// The normalised form of a text as a string (for tests and debugging): runs joined by single spaces.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = Class::Space;
    for c in text.chars().map(half_width) {
        let class = classify(c);
        match class {
            Class::Digit if last == Class::Digit => {}
            Class::Digit => out.push('0'),
            Class::Cjk | Class::Latin => out.extend(c.to_lowercase()),
            Class::Space | Class::Break => {
                if !matches!(last, Class::Space | Class::Break) {
                    out.push(' ');
                }
            }
        }
        last = class;
    }
    out.trim_end().to_owned()
}

/// Feature extraction settings that inference needs (they are stored in the model).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Analyzer {
    /// Longest character n-gram in CJK text (1..=4).
    pub cjk_ngram_max: u8,
    /// Add bigrams of consecutive words in Latin-script text.
    pub latin_bigrams: bool,
    /// Add title features in their own namespace too (besides the shared ones).
    pub title_namespace: bool,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self { cjk_ngram_max: 3, latin_bigrams: true, title_namespace: false }
    }
}

const SEED_CJK: u64 = 0x243F_6A88_85A3_08D3;
const SEED_WORD: u64 = 0x1319_8A2E_0370_7344;
const SEED_BIGRAM: u64 = 0xA409_3822_299F_31D0;
const SALT_TITLE: u32 = 0x9E37_79B9;

/// FNV-1a over code points, then a final avalanche, folded to 32 bits.
fn hash_chars(seed: u64, chars: &[char]) -> u32 {
    let mut h = seed ^ 0xCBF2_9CE4_8422_2325;
    for &c in chars {
        h ^= c as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    (h ^ (h >> 32)) as u32
}

impl Analyzer {
    /// Push the hash of every feature occurrence of `text` (with repeats) onto `out`.
    pub(crate) fn features(&self, text: &str, is_title: bool, out: &mut Vec<u32>) {
        let start = out.len();
        let mut cjk: Vec<char> = Vec::new();
        let mut word: Vec<char> = Vec::new();
        let mut prev_word: Vec<char> = Vec::new();
        let mut last = Class::Space;
        let mut last_run = Class::Space;
        for c in text.chars().map(half_width) {
            let class = classify(c);
            // A digit run right after CJK text belongs to that CJK stretch; otherwise it is (part of) a Latin word.
            let class_for_runs = match class {
                Class::Digit if last_run == Class::Cjk => Class::Cjk,
                Class::Digit => Class::Latin,
                other => other,
            };
            if class_for_runs != Class::Cjk && !cjk.is_empty() {
                self.cjk_ngrams(&cjk, out);
                cjk.clear();
            }
            if class_for_runs != Class::Latin && !word.is_empty() {
                self.word(&mut prev_word, &mut word, out);
            }
            if matches!(class, Class::Break | Class::Cjk) {
                prev_word.clear();
            }
            match class_for_runs {
                Class::Cjk => {
                    if class == Class::Digit {
                        if last != Class::Digit {
                            cjk.push('0');
                        }
                    } else {
                        cjk.extend(c.to_lowercase());
                    }
                }
                Class::Latin => {
                    if class == Class::Digit {
                        if last != Class::Digit {
                            word.push('0');
                        }
                    } else {
                        word.extend(c.to_lowercase());
                    }
                }
                Class::Digit | Class::Space | Class::Break => {}
            }
            last = class;
            last_run = class_for_runs;
        }
        if !cjk.is_empty() {
            self.cjk_ngrams(&cjk, out);
        }
        if !word.is_empty() {
            self.word(&mut prev_word, &mut word, out);
        }
        if is_title && self.title_namespace {
            let end = out.len();
            for i in start..end {
                let h = out[i];
                out.push(h.rotate_left(7) ^ SALT_TITLE);
            }
        }
    }

    fn cjk_ngrams(&self, run: &[char], out: &mut Vec<u32>) {
        let max = usize::from(self.cjk_ngram_max.clamp(1, 4));
        for n in 1..=max {
            for gram in run.windows(n) {
                out.push(hash_chars(SEED_CJK, gram));
            }
        }
    }

    fn word(&self, prev: &mut Vec<char>, word: &mut Vec<char>, out: &mut Vec<u32>) {
        out.push(hash_chars(SEED_WORD, word));
        if self.latin_bigrams && !prev.is_empty() {
            let mut pair = Vec::with_capacity(prev.len() + 1 + word.len());
            pair.extend_from_slice(prev);
            pair.push(' ');
            pair.extend_from_slice(word);
            out.push(hash_chars(SEED_BIGRAM, &pair));
        }
        std::mem::swap(prev, word);
        word.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_folds_width_case_and_digits() {
        assert_eq!(normalise("Ａ市Ａ３区，２０１９年！ Hello  WORLD"), "a市a0区 0年 hello world");
        assert_eq!(normalise("  "), "");
        assert_eq!(normalise("路灯坏了。。。请修"), "路灯坏了 请修");
    }

    fn feats(a: &Analyzer, text: &str) -> Vec<u32> {
        let mut v = Vec::new();
        a.features(text, false, &mut v);
        v
    }

    #[test]
    fn cjk_ngrams_stay_inside_a_run() {
        let a = Analyzer { cjk_ngram_max: 2, ..Analyzer::default() };
        // 路灯 + 坏了: 2 + 1 bigram, 2 + 1 → 6; never a bigram across the comma.
        assert_eq!(feats(&a, "路灯，坏了").len(), 6);
        assert_eq!(feats(&a, "路灯坏了").len(), 7);
        assert_eq!(feats(&a, "路灯").iter().filter(|h| feats(&a, "灯").contains(h)).count(), 1);
    }

    #[test]
    fn english_words_and_bigrams() {
        let a = Analyzer::default();
        // street, light, broken + (street light), (light broken) → 5
        assert_eq!(feats(&a, "Street light broken").len(), 5);
        // Punctuation stops the bigram.
        assert_eq!(feats(&a, "street light. broken").len(), 4);
        assert_eq!(feats(&a, "STREET"), feats(&a, "ｓｔｒｅｅｔ"));
        assert_eq!(feats(&a, "room 101"), feats(&a, "room 7"));
    }

    #[test]
    fn nothing_in_nothing_out() {
        let a = Analyzer::default();
        assert!(feats(&a, "").is_empty());
        assert!(feats(&a, " ，。!? \n").is_empty());
    }

    #[test]
    fn title_namespace_doubles_title_features() {
        let a = Analyzer { title_namespace: true, ..Analyzer::default() };
        let mut v = Vec::new();
        a.features("噪音", true, &mut v);
        assert_eq!(v.len(), 6);
    }
}
