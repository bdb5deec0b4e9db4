//! PNG chunks.
