//! The catalog functions: their arguments checked, their queries made by `crate::catalog`.

use super::{with_stmt, Ptr};
use crate::catalog;
use crate::handle::OK;
use crate::statement;
use crate::text::{self, CharUnit};
use odbc_sys::SqlReturn;
use redwood_core::Error;

/// Reads a catalog function's name argument.
///
/// # Safety
/// As for [`text::read`].
unsafe fn arg<C: CharUnit>(ptr: *const C, len: i16) -> Result<Option<String>, Error> {
    // SAFETY: the caller's guarantee.
    unsafe { text::read(ptr, len as isize) }
}

fn run_catalog(
    handle: Ptr,
    make: impl FnOnce(catalog::ArgumentKind) -> Result<catalog::CatalogQuery, Error>,
) -> SqlReturn {
    with_stmt(handle, |stmt, state| {
        let query = make(catalog::ArgumentKind { identifiers: state.attributes.metadata_id })?;
        statement::catalog_query(stmt, state, query)?;
        OK
    })
}

fn required(name: Option<String>, what: &str) -> Result<String, Error> {
    name.ok_or_else(|| odbc_error!("HY009", "the {what} name is required (a null pointer was passed)"))
}

ansi_and_wide! {
    fn SQLTables / SQLTablesW<C>(
        handle: Ptr,
        c: *const C,
        cl: i16,
        s: *const C,
        sl: i16,
        t: *const C,
        tl: i16,
        ty: *const C,
        tyl: i16,
    ) -> SqlReturn {
        run_catalog(handle, |kind| {
            // SAFETY: the arguments are valid as # Safety says.
            let (c, s, t, ty) = unsafe { (arg(c, cl)?, arg(s, sl)?, arg(t, tl)?, arg(ty, tyl)?) };
            Ok(catalog::tables(c.as_deref(), s.as_deref(), t.as_deref(), ty.as_deref(), kind))
        })
    }
}

ansi_and_wide! {
    fn SQLColumns / SQLColumnsW<C>(
        handle: Ptr,
        c: *const C,
        cl: i16,
        s: *const C,
        sl: i16,
        t: *const C,
        tl: i16,
        col: *const C,
        coll: i16,
    ) -> SqlReturn {
        run_catalog(handle, |kind| {
            // SAFETY: the arguments are valid as # Safety says.
            let (c, s, t, col) = unsafe { (arg(c, cl)?, arg(s, sl)?, arg(t, tl)?, arg(col, coll)?) };
            Ok(catalog::columns(c.as_deref(), s.as_deref(), t.as_deref(), col.as_deref(), kind))
        })
    }
}

ansi_and_wide! {
    fn SQLPrimaryKeys / SQLPrimaryKeysW<C>(
        handle: Ptr,
        c: *const C,
        cl: i16,
        s: *const C,
        sl: i16,
        t: *const C,
        tl: i16,
    ) -> SqlReturn {
        run_catalog(handle, |_| {
            // SAFETY: the arguments are valid as # Safety says.
            let (c, s, t) = unsafe { (arg(c, cl)?, arg(s, sl)?, required(arg(t, tl)?, "table")?) };
            Ok(catalog::primary_keys(c.as_deref(), s.as_deref(), &t))
        })
    }
}

ansi_and_wide! {
    fn SQLForeignKeys / SQLForeignKeysW<C>(
        handle: Ptr,
        pc: *const C,
        pcl: i16,
        ps: *const C,
        psl: i16,
        pt: *const C,
        ptl: i16,
        fc: *const C,
        fcl: i16,
        fs: *const C,
        fsl: i16,
        ft: *const C,
        ftl: i16,
    ) -> SqlReturn {
        run_catalog(handle, |_| {
            // SAFETY: the arguments are valid as # Safety says.
            let (pc, ps, pt) = unsafe { (arg(pc, pcl)?, arg(ps, psl)?, arg(pt, ptl)?) };
            // SAFETY: the arguments are valid as # Safety says.
            let (fc, fs, ft) = unsafe { (arg(fc, fcl)?, arg(fs, fsl)?, arg(ft, ftl)?) };
            if pt.is_none() && ft.is_none() {
                return Err(odbc_error!(
                    "HY009",
                    "SQLForeignKeys needs the primary key table, the foreign key table, or both"
                ));
            }
            Ok(catalog::foreign_keys(
                pc.as_deref(),
                ps.as_deref(),
                pt.as_deref(),
                fc.as_deref(),
                fs.as_deref(),
                ft.as_deref(),
            ))
        })
    }
}

/// SQLStatistics' SQL_INDEX_UNIQUE / SQL_INDEX_ALL.
const INDEX_UNIQUE: u16 = 0;
const INDEX_ALL: u16 = 1;

ansi_and_wide! {
    fn SQLStatistics / SQLStatisticsW<C>(
        handle: Ptr,
        c: *const C,
        cl: i16,
        s: *const C,
        sl: i16,
        t: *const C,
        tl: i16,
        unique: u16,
        _reserved: u16,
    ) -> SqlReturn {
        run_catalog(handle, |_| {
            if unique != INDEX_UNIQUE && unique != INDEX_ALL {
                return Err(odbc_error!(
                    "HY100",
                    "uniqueness option {unique} is neither SQL_INDEX_UNIQUE nor SQL_INDEX_ALL"
                ));
            }
            // SAFETY: the arguments are valid as # Safety says.
            let (c, s, t) = unsafe { (arg(c, cl)?, arg(s, sl)?, required(arg(t, tl)?, "table")?) };
            Ok(catalog::statistics(c.as_deref(), s.as_deref(), &t, unique == INDEX_UNIQUE))
        })
    }
}

ansi_and_wide! {
    fn SQLSpecialColumns / SQLSpecialColumnsW<C>(
        handle: Ptr,
        id: u16,
        c: *const C,
        cl: i16,
        s: *const C,
        sl: i16,
        t: *const C,
        tl: i16,
        scope: u16,
        nullable: u16,
    ) -> SqlReturn {
        run_catalog(handle, |_| {
            if !(1..=2).contains(&id) {
                return Err(odbc_error!("HY097", "column type {id} is neither SQL_BEST_ROWID nor SQL_ROWVER"));
            }
            if scope > 2 {
                return Err(odbc_error!("HY098", "scope {scope} is out of range"));
            }
            if nullable > 1 {
                return Err(odbc_error!("HY099", "nullable type {nullable} is out of range"));
            }
            // SAFETY: the arguments are valid as # Safety says.
            let (c, s, t) = unsafe { (arg(c, cl)?, arg(s, sl)?, required(arg(t, tl)?, "table")?) };
            Ok(catalog::special_columns(id, c.as_deref(), s.as_deref(), &t, scope, nullable))
        })
    }
}

ansi_and_wide! {
    fn SQLGetTypeInfo / SQLGetTypeInfoW(handle: Ptr, data_type: i16) -> SqlReturn {
        run_catalog(handle, |_| Ok(catalog::type_info(data_type)))
    }
}

ansi_and_wide! {
    fn SQLProcedures / SQLProceduresW<C>(
        handle: Ptr,
        c: *const C,
        cl: i16,
        s: *const C,
        sl: i16,
        p: *const C,
        pl: i16,
    ) -> SqlReturn {
        run_catalog(handle, |_| {
            // SAFETY: the arguments are valid as # Safety says.
            let (c, s, p) = unsafe { (arg(c, cl)?, arg(s, sl)?, arg(p, pl)?) };
            Ok(catalog::procedures(c.as_deref(), s.as_deref(), p.as_deref()))
        })
    }
}

ansi_and_wide! {
    fn SQLProcedureColumns / SQLProcedureColumnsW<C>(
        handle: Ptr,
        c: *const C,
        cl: i16,
        s: *const C,
        sl: i16,
        p: *const C,
        pl: i16,
        col: *const C,
        coll: i16,
    ) -> SqlReturn {
        run_catalog(handle, |_| {
            // SAFETY: the arguments are valid as # Safety says.
            let (c, s, p, col) = unsafe { (arg(c, cl)?, arg(s, sl)?, arg(p, pl)?, arg(col, coll)?) };
            Ok(catalog::procedure_columns(c.as_deref(), s.as_deref(), p.as_deref(), col.as_deref()))
        })
    }
}

ansi_and_wide! {
    fn SQLTablePrivileges / SQLTablePrivilegesW<C>(
        handle: Ptr,
        c: *const C,
        cl: i16,
        s: *const C,
        sl: i16,
        t: *const C,
        tl: i16,
    ) -> SqlReturn {
        run_catalog(handle, |_| {
            // SAFETY: the arguments are valid as # Safety says.
            let (c, s, t) = unsafe { (arg(c, cl)?, arg(s, sl)?, arg(t, tl)?) };
            Ok(catalog::table_privileges(c.as_deref(), s.as_deref(), t.as_deref()))
        })
    }
}

ansi_and_wide! {
    fn SQLColumnPrivileges / SQLColumnPrivilegesW<C>(
        handle: Ptr,
        c: *const C,
        cl: i16,
        s: *const C,
        sl: i16,
        t: *const C,
        tl: i16,
        col: *const C,
        coll: i16,
    ) -> SqlReturn {
        run_catalog(handle, |_| {
            // SAFETY: the arguments are valid as # Safety says.
            let (c, s, t, col) =
                unsafe { (arg(c, cl)?, arg(s, sl)?, required(arg(t, tl)?, "table")?, arg(col, coll)?) };
            Ok(catalog::column_privileges(c.as_deref(), s.as_deref(), &t, col.as_deref()))
        })
    }
}
