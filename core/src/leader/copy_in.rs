//! `COPY … FROM STDIN`: the data the client sends in pieces, loaded as it arrives, as one
//! statement. Kept apart from `session.rs` as it is a protocol exchange of its own (the
//! endpoint drives it), not a statement the session dispatches.

use crate::err;
use crate::error::{Error, Result};
use crate::leader::session::Session;
use crate::sql::copy::CopyPlan;

impl Session {
    /// Starts `COPY table [(columns)] FROM STDIN`: one statement, all rows or none, whose data
    /// comes in pieces (`copy_in_data`) until `copy_in_end`. Columns not listed are NULL.
    pub fn copy_in_begin(&mut self, plan: CopyPlan) -> Result<CopyIn> {
        let CopyPlan::In { table, columns, options } = plan else {
            return Err(err!(INTERNAL_ERROR, "copy_in_begin needs a COPY … FROM STDIN"));
        };
        self.check_not_failed()?;
        self.check_writable("COPY")?;
        let implicit = self.begin_statement();
        let rules = crate::load::convert::ValueRules::new(self.time_zone());
        let load = match self.begin_load(&table, &columns, rules, 0, None) {
            Ok(load) => load,
            Err(e) => return self.finish_statement(implicit, Err(e)),
        };
        let (format, header_lines) = options.reader_format();
        let tokenizer = crate::load::delimited::Tokenizer::new(format, load.width(), header_lines);
        Ok(CopyIn { load, tokenizer, implicit, pending: vec![], error: None })
    }

    /// More COPY data: complete rows are loaded once a piece's worth has arrived, so memory
    /// stays bounded whatever the data's size. An error is kept for `copy_in_end`, and the rest
    /// of the data ignored.
    pub fn copy_in_data(&mut self, copy: &mut CopyIn, data: &[u8]) {
        if copy.error.is_some() || copy.tokenizer.ended() {
            return;
        }
        copy.pending.extend_from_slice(data);
        if copy.pending.len() < COPY_PIECE_BYTES {
            return;
        }
        if let Err(e) = self.load_copy_piece(copy, false) {
            copy.error = Some(e);
            copy.pending = vec![];
        }
    }

    /// The end of the COPY data: loads what is left and ends the statement. Returns the rows loaded.
    pub fn copy_in_end(&mut self, mut copy: CopyIn) -> Result<u64> {
        let result = match copy.error.take() {
            Some(error) => {
                let _ = self.settle_write(&mut copy.load);
                Err(error)
            }
            None => self
                .load_copy_piece(&mut copy, true)
                .and_then(|()| self.append_pending(&mut copy.load))
                .map(|()| copy.load.rows()),
        };
        self.finish_statement(copy.implicit, result)
    }

    /// The client gave up (CopyFail) or went away: the statement fails, its rows are not kept.
    pub fn copy_in_abort(&mut self, mut copy: CopyIn, error: Error) -> Error {
        let _ = self.settle_write(&mut copy.load);
        match self.finish_statement::<()>(copy.implicit, Err(error)) {
            Err(error) => error,
            Ok(()) => unreachable!("an error stays an error"),
        }
    }

    /// Loads the complete rows of the data gathered (all of it, at the end).
    fn load_copy_piece(&mut self, copy: &mut CopyIn, last: bool) -> Result<()> {
        let (rows, used) = copy.tokenizer.read(&copy.pending, last);
        let raw: Vec<u8> = copy.pending.drain(..used).collect();
        self.load_text_piece(&mut copy.load, "STDIN", rows, &raw)
    }
}

/// A `COPY … FROM STDIN` under way (`Session::copy_in_begin`).
pub struct CopyIn {
    load: crate::leader::load::Load,
    tokenizer: crate::load::delimited::Tokenizer,
    implicit: bool,
    /// Data not loaded yet (it may end in the middle of a row).
    pending: Vec<u8>,
    error: Option<Error>,
}

impl CopyIn {
    /// The number of columns each row of the data has.
    pub fn width(&self) -> usize {
        self.load.width()
    }
}

/// How much COPY data is gathered before its complete rows are loaded.
const COPY_PIECE_BYTES: usize = 16 << 20;
