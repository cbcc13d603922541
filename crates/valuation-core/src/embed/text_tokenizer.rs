//! The model's tokenizer, configured the way sentence-transformers runs it.

use tokenizers::{PostProcessor, Tokenizer, TruncationParams};

use super::EmbedError;

/// Token ids of one text, `[CLS]` … `[SEP]`, at most `max_tokens` long (never padded).
pub struct Tokens {
    pub ids: Vec<u32>,
}

pub struct TextTokenizer {
    inner: Tokenizer,
    max_tokens: usize,
}

/// Bytes of text worth tokenizing before the rest cannot reach the output.
///
/// A word piece covers at least one byte, so a whitespace-cut prefix that already yields
/// `max_tokens` pieces produces exactly the same truncated ids as the whole text. Tokenizing only
/// that prefix keeps a 100 kB line as cheap as a sentence.
const PREFIX_BYTES_PER_TOKEN: usize = 16;

impl TextTokenizer {
    pub fn from_bytes(tokenizer_json: &[u8], max_tokens: usize) -> Result<Self, EmbedError> {
        let mut inner = Tokenizer::from_bytes(tokenizer_json)
            .map_err(|e| EmbedError::InvalidTokenizer(e.to_string()))?;
        // tokenizer.json ships `padding: Fixed 128, truncation: 128`; sentence-transformers ignores
        // both and truncates at the model's max_seq_length with no padding.
        let special = inner
            .get_post_processor()
            .map_or(0, |p| p.added_tokens(false));
        if max_tokens <= special + 1 {
            return Err(EmbedError::InvalidOption(format!(
                "max_tokens {max_tokens} leaves no room for text next to {special} special tokens"
            )));
        }
        inner.with_padding(None);
        inner
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..Default::default()
            }))
            .map_err(|e| EmbedError::InvalidTokenizer(e.to_string()))?;
        Ok(TextTokenizer { inner, max_tokens })
    }

    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    pub fn tokenize(&self, text: &str) -> Result<Tokens, EmbedError> {
        let limit = self.max_tokens * PREFIX_BYTES_PER_TOKEN;
        if text.len() > limit {
            if let Some(prefix) = whitespace_prefix(text, limit) {
                let tokens = self.encode(prefix)?;
                if tokens.ids.len() >= self.max_tokens {
                    return Ok(tokens);
                }
            }
        }
        self.encode(text)
    }

    fn encode(&self, text: &str) -> Result<Tokens, EmbedError> {
        let enc = self
            .inner
            .encode(text, true)
            .map_err(|e| EmbedError::Tokenize(e.to_string()))?;
        Ok(Tokens {
            ids: enc.get_ids().to_vec(),
        })
    }
}

/// The longest prefix of at most `limit` bytes that ends right before a whitespace character.
fn whitespace_prefix(text: &str, limit: usize) -> Option<&str> {
    let mut cut = limit.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    if text[cut..].starts_with(char::is_whitespace) {
        return Some(&text[..cut]);
    }
    let head = &text[..cut];
    let end = head
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)?;
    Some(&text[..end])
}

#[cfg(test)]
mod tests {
    use super::whitespace_prefix;

    #[test]
    fn prefix_ends_before_whitespace_on_a_char_boundary() {
        assert_eq!(whitespace_prefix("ab cd ef", 7), Some("ab cd"));
        assert_eq!(whitespace_prefix("éé éé", 4), Some("éé"));
        assert_eq!(whitespace_prefix("abcdef", 4), None);
    }
}
