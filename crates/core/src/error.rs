//! The error a data file produces when it cannot be used.
//!
//! Two audiences read it: a resident sees a short Chinese sentence, an
//! operator needs to know exactly which file, field and line to fix.

use std::fmt;

/// Why a data file was refused, and where.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DataError {
    /// File name as served, e.g. `bulletins.json`.
    pub file: String,
    /// Path of the offending field, e.g. `bulletins[3].channel`; empty when
    /// the file as a whole is unreadable.
    pub field: String,
    /// 1-based line and column in the file, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// What is wrong, in Chinese, for the operator.
    pub message: String,
}

impl DataError {
    pub fn new(file: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        DataError {
            file: file.to_string(),
            field: field.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

impl fmt::Display for DataError {
    /// The operator's line: `bulletins.json 第 12 行第 5 列，字段 bulletins[3].channel：未知栏目“xyz”`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, " 第 {l} 行第 {c} 列")?,
            (Some(l), None) => write!(f, " 第 {l} 行")?,
            _ => {}
        }
        if !self.field.is_empty() {
            write!(f, "，字段 {}", self.field)?;
        }
        write!(f, "：{}", self.message)
    }
}

impl std::error::Error for DataError {}
