//! PII / secret occurrence counter. Only counts leave this module: a valuation report built from
//! them can never leak the values it describes.

mod prefilter;
pub use prefilter::check_key_runs;

use regex::{Regex, RegexBuilder};
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct PiiCounts {
    pub emails: u32,
    pub phones: u32,
    pub card_numbers: u32,
    pub ibans: u32,
    pub private_keys: u32,
    pub api_keys: u32,
}

impl PiiCounts {
    /// Each count under its flag code, as reports and submitted records name it.
    pub fn by_flag_code(&self) -> [(&'static str, u32); 6] {
        [
            ("pii_email", self.emails),
            ("pii_phone", self.phones),
            ("pii_card_number", self.card_numbers),
            ("pii_iban", self.ibans),
            ("secret_private_key", self.private_keys),
            ("secret_api_key", self.api_keys),
        ]
    }

    pub fn total(&self) -> u32 {
        let a = [self.emails, self.phones, self.card_numbers];
        let b = [self.ibans, self.private_keys, self.api_keys];
        a.into_iter().chain(b).fold(0, u32::saturating_add)
    }

    pub fn add(&mut self, other: &PiiCounts) {
        self.emails = self.emails.saturating_add(other.emails);
        self.phones = self.phones.saturating_add(other.phones);
        self.card_numbers = self.card_numbers.saturating_add(other.card_numbers);
        self.ibans = self.ibans.saturating_add(other.ibans);
        self.private_keys = self.private_keys.saturating_add(other.private_keys);
        self.api_keys = self.api_keys.saturating_add(other.api_keys);
    }
}

// Only ASCII classes and no \b / \d / \w: Unicode-aware assertions would push the regex crate
// off its lazy DFA onto slower engines whenever the input holds non-ASCII text. Repetitions with
// something after them are bounded, so a rejected candidate costs a few hundred bytes of rescan.
fn build(pattern: &str) -> Regex {
    RegexBuilder::new(pattern)
        .size_limit(8 << 20)
        .dfa_size_limit(8 << 20)
        .build()
        .expect("built-in PII pattern compiles")
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| build(r"[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}"));
static PRIVATE_KEY: LazyLock<Regex> =
    LazyLock::new(|| build(r"-{4,5} ?BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)? ?-{4,5}"));
static API_KEY: LazyLock<Regex> = LazyLock::new(|| {
    build(concat!(
        r"(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255}",
        r"|xox[baprs]-[A-Za-z0-9-]{10,250}|[rs]k_live_[A-Za-z0-9]{10,247}|AIza[0-9A-Za-z_-]{35}",
        r"|sk-[A-Za-z0-9_-]{32,250}|eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*",
    ))
});
/// Every API_KEY alternative is made of these bytes only, and none matches fewer than 15 of
/// them (`xox?-` and ten more): a key lies inside a run of 15 or more, and nowhere else.
fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')
}
const KEY_MIN_LEN: usize = 15;

// One leftmost-first pass for everything digit-shaped, so an IBAN or card is consumed whole and
// its digit groups can never be re-read as a phone number. Group order sets the preference.
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    build(concat!(
        r"(?<iban>[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)",
        r"|(?<card>[0-9]{4}(?:[ -]?[0-9]{4}){2}(?:[ -]?[0-9]{1,4}){1,2}",
        r"|[0-9]{4}[ -][0-9]{6}[ -][0-9]{4,5})",
        r"|(?<intl>(?:\+|00)[1-9][0-9]{0,2}(?:[0-9]{6,12}|(?:[ .-]?\([0-9]{1,4}\)[ .-]?[0-9]{1,8}",
        r"|[ .-][0-9]{1,8}){1,6}))",
        r"|(?<nanp>(?:1[ .-]?)?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .-])[0-9]{3}[ .-][0-9]{4})",
        r"|(?<trunk>(?:\(0[1-9][0-9]{0,4}\) ?|0[1-9][0-9]{0,4}[ /-]?)[0-9]{2,8}",
        r"(?:[ -][0-9]{2,4}){0,4}",
        r"|0[1-9](?:\.[0-9]{2}){4})",
    ))
});

/// Every NUMERIC match has a digit within its first 3 bytes (IBAN: `[A-Z]{2}[0-9]`; a card, a
/// trunk number: a digit; international: `+` or `00` then a digit; NANP: `1`, `(` or a digit)
/// and is at most 101 bytes long (international: `+`, 3 digits and 6 groups of at most 16).
const NUMERIC_BACK: usize = 3;
const NUMERIC_MAX_LEN: usize = 128;

/// Country code + total IBAN length (SWIFT IBAN registry). Unknown countries are rejected: with
/// mod-97 alone, one in 97 random upper-case tokens of the right shape would pass.
const IBAN_LENGTHS: &[u8] = b"AD24AE23AL28AT20AZ28BA20BE16BG22BH22BR29CH21CR22CY28CZ24DE22DK18DO28\
EE20EG29ES24FI18FO18FR27GB22GE22GI23GL18GR27GT28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20LB28LC32\
LI21LT20LU20LV21MC27MD24ME22MK19MR27MT31MU30NL18NO15PK24PL28PS29PT25QA29RO24RS22SA24SC31SE24SI19\
SK24SM27TL23TN24TR26UA29VA22VG24XK20";

// Images such as `logo@2x.png` have an email shape; these are never real mail TLDs in practice.
const FILE_EXTENSIONS: &str = "png jpg jpeg gif svg webp ico bmp css js json html txt pdf";

fn bump(n: &mut u32, hit: bool) {
    *n = n.saturating_add(u32::from(hit));
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn digit_count(m: &[u8]) -> usize {
    m.iter().filter(|c| c.is_ascii_digit()).count()
}

/// A number glued to a word, path, version or decimal is part of something else.
fn glued_before(b: &[u8], s: usize) -> bool {
    s > 0 && (is_word(b[s - 1]) || b".-/+@".contains(&b[s - 1]))
}

/// Trailing punctuation is fine unless it continues the number (`1.5`, `12-3`, `4,000`).
fn glued_after(b: &[u8], e: usize) -> bool {
    let continues = |c: u8| b".-/,".contains(&c) && b.get(e + 1).is_some_and(u8::is_ascii_digit);
    matches!(b.get(e), Some(&c) if is_word(c) || c == b'@' || continues(c))
}

fn email_ok(b: &[u8], s: usize, e: usize) -> bool {
    let m = &b[s..e];
    let at = m.iter().position(|&c| c == b'@').unwrap_or(0);
    let tld = &m[m.iter().rposition(|&c| c == b'.').unwrap_or(0) + 1..];
    let is_file = |x: &str| x.as_bytes().eq_ignore_ascii_case(tld);
    !(s > 0 && (is_word(b[s - 1]) || b".%+-@".contains(&b[s - 1])))
        && !matches!(b.get(e), Some(&c) if is_word(c) || b"-@".contains(&c))
        && m[0] != b'.'
        && at.checked_sub(1).is_some_and(|i| m[i] != b'.')
        && !FILE_EXTENSIONS.split(' ').any(is_file)
}

fn api_key_ok(b: &[u8], s: usize, e: usize) -> bool {
    let m = &b[s..e];
    // `sk-` also starts hyphenated prose identifiers; real keys mix letters and digits.
    let body = m.strip_prefix(b"sk-");
    let sk_ok = body.is_none_or(|r| r.iter().any(u8::is_ascii_digit))
        && body.is_none_or(|r| r.iter().any(u8::is_ascii_alphabetic));
    let glued =
        (s > 0 && is_word(b[s - 1])) || matches!(b.get(e), Some(&c) if is_word(c) || c == b'-');
    sk_ok && !glued
}

/// ISO 13616 folds letters to two digits (A = 10 ... Z = 35).
fn mod97(rem: u32, c: u8) -> u32 {
    let v = u32::from(c).saturating_sub(if c.is_ascii_digit() { 48 } else { 55 });
    (rem * if v < 10 { 10 } else { 100 } + v) % 97
}

fn iban_ok(b: &[u8], s: usize, e: usize) -> bool {
    let m = &b[s..e];
    let entry = IBAN_LENGTHS.chunks_exact(4).find(|c| c[..2] == m[..2]);
    let len = entry.map_or(0, |c| usize::from((c[2] - b'0') * 10 + c[3] - b'0'));
    // The regex may swallow a trailing 4-character word; cut at the country's length instead.
    let (mut rem, mut n, mut i) = (0, 0, 0);
    while n < len {
        match m.get(i) {
            None => return false,
            Some(b' ') => {}
            Some(&c) => {
                rem = if n >= 4 { mod97(rem, c) } else { rem };
                n += 1;
            }
        }
        i += 1;
    }
    let rem = m[..4].iter().fold(rem, |r, &c| mod97(r, c));
    let clean_end = m.get(i).map_or(!glued_after(b, e), |&c| c == b' ');
    len > 0 && rem == 1 && clean_end && !glued_before(b, s)
}

fn luhn_ok(m: &[u8]) -> bool {
    const DOUBLED: [usize; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    let mut sum = 0;
    for (i, &c) in m.iter().rev().filter(|c| c.is_ascii_digit()).enumerate() {
        let d = usize::from(c - b'0');
        sum += if i % 2 == 1 { DOUBLED[d] } else { d };
    }
    sum % 10 == 0
}

fn card_ok(m: &[u8]) -> bool {
    let mut seps = m.iter().filter(|c| !c.is_ascii_digit());
    let first_sep = seps.next();
    let n = digit_count(m);
    let digits = m.iter().filter(|c| c.is_ascii_digit());
    let p6 = digits.take(6).fold(0, |p, &c| p * 10 + u32::from(c - b'0'));
    let (p2, p3, p4) = (p6 / 10_000, p6 / 1000, p6 / 100);
    let (long, grouped) = ((16..=19).contains(&n), first_sep.is_some());
    // Known issuer ranges and their lengths: Luhn alone passes one in ten arbitrary numbers.
    let iin = (p6 / 100_000 == 4 && matches!(n, 13 | 16 | 19))
        || (((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && n == 16)
        || (matches!(p2, 34 | 37) && n == 15)
        || ((p4 == 6011 || p2 == 65 || (644..=649).contains(&p3)) && long)
        || ((3528..=3589).contains(&p4) && long)
        || (((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && n >= 14)
        || ((p2 == 62 || (2200..=2204).contains(&p4)) && long)
        || ((matches!(p2, 50 | 56..=58) || matches!(p4, 6304 | 6759 | 6761..=6763)) && grouped);
    // Ungrouped 17-19 digit runs are mostly 64-bit hashes and snowflake ids, not cards.
    let plausible = (13..=16).contains(&n) || (grouped && n <= 19);
    seps.all(|c| Some(c) == first_sep) && plausible && iin && luhn_ok(m)
}

/// Length of the accepted phone prefix of the candidate `b[s..e]`, if any.
fn phone_len(b: &[u8], s: usize, e: usize, group: usize) -> Option<usize> {
    let (m, glued_end) = (&b[s..e], glued_after(b, e));
    let is_sep = |c: &u8| b" -./".contains(c);
    let mut seps = m.iter().filter(|c| is_sep(c));
    let first_sep = seps.next();
    let n = digit_count(m);
    match group {
        3 => {
            // Greedy groups may absorb a following number ("+44 20 7946 0958 2024" or a card
            // number); the longest plausible prefix ending at a separator wins instead.
            let (mut d, mut best) = (0, None);
            for (i, c) in m.iter().enumerate() {
                if is_sep(c) && (9..=15).contains(&d) {
                    best = Some(i);
                }
                d += usize::from(c.is_ascii_digit());
            }
            let whole = (9..=15).contains(&n) && !glued_end;
            let plain_00 = m[0] == b'0' && first_sep.is_none() && !m.contains(&b'(');
            (!plain_00).then_some(if whole { Some(m.len()) } else { best })?
        }
        4 => (!glued_end).then_some(m.len()),
        _ => {
            // Mixed separators are how dates followed by numbers look ("01-02-2024 10"), and
            // a neighbouring number group how hex dumps and tables do ("8B 05 00 00 00 00 00").
            let zip4 = m.len() == 10 && m[5] == b'-';
            let hex_pair = |i: usize| b[i..i + 2].iter().all(u8::is_ascii_hexdigit);
            let run_before =
                s >= 3 && b[s - 1] == b' ' && hex_pair(s - 3) && (s == 3 || !is_word(b[s - 4]));
            let run_after = b.get(e) == Some(&b' ') && b.get(e + 1).is_some_and(u8::is_ascii_digit);
            let ok = (first_sep.is_some() || m[0] == b'(')
                && seps.all(|c| Some(c) == first_sep)
                && !zip4
                && !run_before
                && !run_after
                && (9..=15).contains(&n)
                && !glued_end;
            ok.then_some(m.len())
        }
    }
}

/// Counts PII and secret occurrences in `text`; linear in its length, never panics.
///
/// API keys are searched only in runs of key bytes long enough to hold one, and digit-shaped
/// PII only in the spans around digits ([`prefilter`]): no match of either pattern lies
/// elsewhere, and a search that starts where no match can start finds the same leftmost-first
/// matches, so the counts are those of searching the whole text (`scan_reference` in the tests).
pub fn scan(text: &str) -> PiiCounts {
    let b = text.as_bytes();
    let mut c = PiiCounts::default();
    for m in EMAIL.find_iter(text) {
        bump(&mut c.emails, email_ok(b, m.start(), m.end()));
    }
    // Runs start and end next to ASCII bytes: char boundaries.
    for run in prefilter::key_runs(b, KEY_MIN_LEN) {
        for m in API_KEY.find_iter(&text[run.clone()]) {
            let (s, e) = (run.start + m.start(), run.start + m.end());
            bump(&mut c.api_keys, api_key_ok(b, s, e));
        }
    }
    for _ in PRIVATE_KEY.find_iter(text) {
        bump(&mut c.private_keys, true);
    }
    // Reused capture slots: no allocation per match, however many candidates a hostile input has.
    let mut locs = NUMERIC.capture_locations();
    let mut at = 0;
    for span in prefilter::digit_spans(b, NUMERIC_BACK, NUMERIC_MAX_LEN) {
        // Widened to char boundaries: an earlier start or a later end only adds room.
        let start = (0..=span.start)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let end = (span.end..=b.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(b.len());
        // The text up to the span's end: every match starting in the span ends inside it, and
        // the bytes before it stay visible to the checks below.
        let haystack = &text[..end];
        at = at.max(start);
        while let Some(m) = NUMERIC.find_at(haystack, at) {
            let (s, e) = (m.start(), m.end());
            at = e;
            // Glued to what precedes it (digits inside a longer number, a word, a path), a match
            // counts as nothing whatever its group: only the others pay for the capture search,
            // which finds this same match (the leftmost one from `s`).
            if glued_before(b, s) {
                continue;
            }
            NUMERIC.captures_read_at(&mut locs, haystack, s);
            let group = (1..=5).find(|&g| locs.get(g).is_some()).unwrap_or(0);
            if group == 1 {
                bump(&mut c.ibans, iban_ok(b, s, e));
            } else if group == 2 {
                let card = !glued_after(b, e) && card_ok(&b[s..e]);
                bump(&mut c.card_numbers, card);
            } else if let Some(len) = phone_len(b, s, e, group) {
                bump(&mut c.phones, true);
                // Rescan whatever a trimmed phone left over: it may hold a card or another phone.
                at = s + len;
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    // One line per case: `+field` samples must count exactly once (and nothing else) inside a
    // sentence, `-field` samples must count nothing at all. `~` is removed before scanning so the
    // secret-shaped fixtures do not trip repository secret scanners.
    const CASES: &str = "
+emails jane.doe+news@example.co.uk|BOB_1@mail-server.example.org|<x%y@a.travel>|a@b.example.com
-emails user@localhost|a@b.c|logo@2x.png|foo@bar|1.2@3.4|@@@ @x.com|pkg@1.2.3|a@b.com9
-emails see .lead@example.com|a@host.abcdefghijklmnopqrstuvwxyz|x@y.PNG
+phones +1 (555) 123-4567|+44 20 7946 0958|+49 (0)30 901820|+919876543210|+33 1 23 45 67 89
+phones 0049 30 901820|+44 20 7946 0958 2024|+7 (495) 123-45-67|(212) 555-0143|555-123-4567
+phones 555.123.4567|1-800-555-0199|020 7946 0958|06 12 34 56 78|01.23.45.67.89|(030) 901820
+phones 0171/1234567|tel:+1-202-555-0173|+61 2 9374 4000
-phones In 2024, on 2024-01-05 at 12:30:45|v1.2.3 and 10.0.19041.1234|5551234567|+12 345
-phones IP 192.168.100.200 or 255.255.255.0|order 12345678901|ZIP 02134-1234|$1,299.99
-phones ISBN 978-0-306-40615-7 / 0-306-40615-2|1 234 567 890 people|12/05/2024 14:00
-phones on 01-02-2024 10 people came|dated 01.02.2024|x555-123-4567|0301234567|2024 555 1234
-phones 555-123-4567-89|call 555-123-45678|SSN 123-45-6789|coords +40.7128, -74.0060
-phones 01 02 03 04 05 06 07 08 09 10|48 8B 05 00 00 00 00|mov 8d 05 12 00 00 00 00
+card_numbers 4111 1111 1111 1111|4111-1111-1111-1111|4111111111111111|5555 5555 5555 4444
+card_numbers 2223 0031 2200 3222|3782 822463 10005|6011111111111117|3530111333300000
+card_numbers 30569309025904|(6200000000000005)|Order 12 4012 8888 8888 1881|5018 0000 0000 0009
+card_numbers 4111 1111 1111 1111 110|6759 6498 2643 8453
-card_numbers 4111 1111 1111 1112|4111 1111-1111 1111|1234567812345670|9780306406157
-card_numbers 4111 1111 1111 1111 1111|x4111111111111111|41111111111111111111111
-card_numbers 4111.1111.1111.1111|**** **** **** 1111|UPS 9400 1000 0000 0000 0000 00
-card_numbers hash 5029875928683246316|5018 0000 0009|5018000000000009|4111111111111111110
+ibans GB82 WEST 1234 5698 7654 32|DE89 3704 0044 0532 0130 00|GB82WEST12345698765432
+ibans FR14 2004 1010 0505 0001 3M02 606|ES91 2100 0418 4502 0005 1332|NL91ABNA0417164300
+ibans IT60X0542811101000000123456|CH9300762011623852957|AT611904300234573201
+ibans PL61109010140000071219812874|NO9386011117947|IBAN:BE68539007547034|BE68 5390 0754 7034 EUR
-ibans GB82 WEST 1234 5698 7654 33|DE89 3704 0044 0532 0130 01|DE89 3704 0044 0532 0130 0
-ibans DE89370400440532013000123|ZZ82WEST12345698765432|XGB82WEST12345698765432
-ibans DA39A3EE5E6B4B0D3255BFEF95601890AFD80709
+private_keys -----BEGIN RSA PRIVATE KEY-----|-----BEGIN EC PRIVATE KEY-----
+private_keys -----BEGIN OPENSSH PRIVATE KEY-----|-----BEGIN DSA PRIVATE KEY-----
+private_keys -----BEGIN PRIVATE KEY-----|-----BEGIN ENCRYPTED PRIVATE KEY-----
+private_keys -----BEGIN PGP PRIVATE KEY BLOCK-----|---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----
-private_keys -----BEGIN PUBLIC KEY-----|-----BEGIN CERTIFICATE-----|BEGIN PRIVATE KEY
+api_keys AKIAIOSFODNN7EXAMPLE|AS~IAQ7Q7Q7Q7Q7Q7Q7Q7|gh~p_aB3aB3aB3aB3aB3aB3aB3aB3aB3aB3aB3aB3
+api_keys gh~o_Z9yZ9yZ9yZ9yZ9yZ9yZ9yZ9yZ9yZ9yZ9yZ9y|xo~xb-1234567890-1234567890-abcdefABCDEF
+api_keys github~_pat_11AbC_dE2011AbC_dE2011AbC_dE2011AbC_dE2011AbC_dE2011AbC_dE2011AbC_dE20
+api_keys sk_li~ve_a1B2a1B2a1B2a1B2a1B2|rk_li~ve_Zz9Zz9Zz9Zz9Zz9Zz9
+api_keys AI~zaSy_7-Sy_7-Sy_7-Sy_7-Sy_7-Sy_7-Sy_7-
+api_keys s~k-aB3dEaB3dEaB3dEaB3dEaB3dEaB3dEaB3dE|s~k-proj-Ab_9-Ab_9-Ab_9-Ab_9-Ab_9-Ab_9-Ab_9-Ab_9-
+api_keys ey~JhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQ
-api_keys AKIA1234|AKIAAAAAAAAAAAAAAAAAA|ghp_aaaaaaaaaaaaaaaaaaaa|sk_test_a1a1a1a1a1a1a1a1a1a1a1
-api_keys AIzabbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb|task-a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1
-api_keys sk-learn-compatible-estimator-interface-wrapper|eyJhbGciOiJIUzI1NiJ9 alone
";

    fn field(c: &PiiCounts, name: &str) -> u64 {
        serde_json::to_value(c).unwrap()[name].as_u64().unwrap()
    }

    fn check(name: &str) {
        let lines = CASES.lines().filter_map(|l| l.split_once(' '));
        let mut seen = 0;
        for (tag, samples) in lines.filter(|(tag, _)| &tag[1..] == name) {
            let want = if tag.starts_with('+') { (1, 1) } else { (0, 0) };
            for s in samples.replace('~', "").split('|') {
                let c = scan(&format!("Details: {s}. Thanks"));
                assert_eq!((field(&c, name), c.total()), want, "{s:?} gave {c:?}");
                seen += 1;
            }
        }
        assert!(seen > 5, "{name}: only {seen} cases");
    }

    macro_rules! table_tests {
        ($($field:ident),*) => {$(
            #[test]
            fn $field() {
                check(stringify!($field));
            }
        )*};
    }
    table_tests!(emails, phones, card_numbers, ibans, private_keys, api_keys);

    #[test]
    fn ordinary_prose_is_clean() {
        let prose = "On 2024-01-05 at 09:30 the v2.14.1 release (build 20240105.3) shipped to \
            10.0.0.12. Revenue was $1,234,567.89, up 12.5% from 2023; 3,400 units at 19.99 EUR. \
            See ISBN 978-3-16-148410-0, ZIP 90210-1234, commit d41d8cd98f00b204e9800998ecf8427e, \
            id 550e8400-e29b-41d4-a716-446655440000, SHA DA39A3EE5E6B4B0D3255BFEF95601890AFD80709, \
            invoice 2024-000123, serial 1234 5678 9012 3456, page 12-34, @handle, C++17, a+b=c, \
            2024-01-05T12:30:45Z, MAC 00:1A:2B:3C:4D:5E, lat 51.5074 lon -0.1278, 1-2-3-4-5-6-7.";
        assert_eq!(scan(prose), PiiCounts::default());
    }

    #[test]
    fn counts_every_occurrence() {
        let text = "a@example.com a@example.com +1 555 123 4567 4111111111111111 \
            GB82WEST12345698765432 -----BEGIN PRIVATE KEY----- AKIAIOSFODNN7EXAMPLE";
        let want =
            r#"{"emails":2,"phones":1,"card_numbers":1,"ibans":1,"private_keys":1,"api_keys":1}"#;
        assert_eq!(scan(text), serde_json::from_str(want).unwrap());
        assert_eq!(scan(&[text; 3].join("\n")).total(), 21);
        let pem =
            "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA\n-----END EC PRIVATE KEY-----";
        assert_eq!(scan(pem).total(), 1);
        let digit_groups = "4111 1111 1111 1111, 3782 822463 10005, DE89 3704 0044 0532 0130 00";
        assert_eq!(scan(digit_groups).phones, 0);
    }

    /// The scan as first written: every pattern over the whole text.
    fn scan_reference(text: &str) -> PiiCounts {
        let b = text.as_bytes();
        let mut c = PiiCounts::default();
        for m in EMAIL.find_iter(text) {
            bump(&mut c.emails, email_ok(b, m.start(), m.end()));
        }
        for m in API_KEY.find_iter(text) {
            bump(&mut c.api_keys, api_key_ok(b, m.start(), m.end()));
        }
        for _ in PRIVATE_KEY.find_iter(text) {
            bump(&mut c.private_keys, true);
        }
        let mut locs = NUMERIC.capture_locations();
        let mut at = 0;
        while let Some(m) = NUMERIC.captures_read_at(&mut locs, text, at) {
            let (s, e) = (m.start(), m.end());
            at = e;
            let group = (1..=5).find(|&g| locs.get(g).is_some()).unwrap_or(0);
            let loose = !glued_before(b, s);
            if group == 1 {
                bump(&mut c.ibans, iban_ok(b, s, e));
            } else if group == 2 {
                let card = loose && !glued_after(b, e) && card_ok(&b[s..e]);
                bump(&mut c.card_numbers, card);
            } else if let Some(len) = phone_len(b, s, e, group).filter(|_| loose) {
                bump(&mut c.phones, true);
                at = s + len;
            }
        }
        c
    }

    #[test]
    fn searching_only_where_matches_can_be_finds_what_the_whole_text_search_finds() {
        let samples: Vec<String> = CASES
            .lines()
            .filter_map(|l| l.split_once(' '))
            .flat_map(|(_, s)| {
                s.replace('~', "")
                    .split('|')
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        let filler = [
            " ",
            "\n",
            " and ",
            ", ",
            "é",
            "中文 ",
            "x",
            "-",
            "_",
            ".",
            "(",
            "+",
            "0",
            "12 ",
            "999",
            "Lorem ipsum dolor sit amet ",
            "sk-",
            "eyJ",
            "ghp_",
            "0049 ",
            "1-",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % n
        };
        let mut found = 0;
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..next(40) {
                if next(3) == 0 {
                    text.push_str(&samples[next(samples.len())]);
                } else {
                    text.push_str(filler[next(filler.len())]);
                }
                // Long gaps between candidates too, so spans and runs end and start again.
                if next(8) == 0 {
                    text.push_str(&"prose without numbers ".repeat(next(12)));
                }
            }
            let counts = scan(&text);
            assert_eq!(counts, scan_reference(&text), "{text:?}");
            found += counts.total();
        }
        assert!(found > 100, "the generated texts hold PII: {found}");
        for case in &samples {
            let text = format!("Details: {case}. Thanks");
            assert_eq!(scan(&text), scan_reference(&text), "{text:?}");
        }
    }

    #[test]
    fn add_and_total_saturate() {
        let (mut a, mut b) = (PiiCounts::default(), PiiCounts::default());
        (a.emails, a.api_keys, b.emails, b.phones) = (u32::MAX - 1, 7, 5, 2);
        a.add(&b);
        assert_eq!((a.emails, a.phones, a.api_keys), (u32::MAX, 2, 7));
        assert_eq!(a.total(), u32::MAX);
    }

    #[test]
    fn output_holds_only_numbers() {
        let c = scan("jane@example.com 4111 1111 1111 1111 AKIAIOSFODNN7EXAMPLE +44 20 7946 0958");
        assert_eq!(c.total(), 4);
        let json = serde_json::to_value(c).unwrap();
        assert!(json.as_object().unwrap().values().all(|v| v.is_u64()));
        assert_eq!(serde_json::from_value::<PiiCounts>(json).unwrap(), c);
        let names = "PiiCounts emails phones card_numbers ibans private_keys api_keys";
        let debug = names
            .split(' ')
            .fold(format!("{c:?}"), |d, n| d.replace(n, ""));
        let only_numbers = debug.chars().all(|ch| "{}:, 0123456789".contains(ch));
        assert!(only_numbers, "{debug}");
    }

    #[test]
    fn hostile_inputs_are_fast_and_safe() {
        let start = std::time::Instant::now();
        let mb5 = 5 << 20;
        let inputs = [
            "0123456789".repeat(mb5 / 10),
            "@".repeat(mb5),
            "a@".repeat(mb5 / 2),
            "9".repeat(1 << 20),
            "4111 ".repeat(200_000) + &"+1 ".repeat(300_000) + &"DE89 ".repeat(200_000),
            "sk-".repeat(300_000) + &"eyJ".repeat(300_000) + "." + &"eyJ".repeat(300_000),
            "-----BEGIN ".repeat(100_000) + &"a.".repeat(400_000) + "@" + &"b.".repeat(400_000),
            "é😀\u{0301}中文 ١٢٣٤٥٦٧٨٩٠ \u{FEFF}".repeat(50_000),
        ];
        for input in &inputs {
            assert_eq!(scan(input), scan(input));
        }
        assert_eq!(scan(&inputs[1]).total() + scan(&inputs[3]).total(), 0);
        let cjk = "電話 +81 3-1234-5678、メール taro@example.jp";
        assert_eq!(scan(cjk).total(), 2);
        assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
    }
}
