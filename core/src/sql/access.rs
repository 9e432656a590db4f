//! Access-control statements in Redshift's grammar, read from the token stream: GRANT / REVOKE
//! (Redshift's privileges include ALTER, DROP and TRUNCATE, and its grantees GROUP and ROLE, which
//! sqlparser's grammar lacks), CREATE / ALTER / DROP GROUP, CREATE / DROP ROLE, GRANT / REVOKE
//! ROLE, ALTER … OWNER TO and SET / RESET SESSION AUTHORIZATION.

use super::parser::{is_word, matching_paren, normalise, syntax_at};
use crate::catalog::{Grantee, Privileges, QualifiedName, RlsConjunction};
use crate::error::{Error, Result};
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan};

/// A row-level security policy's `WITH (column type, …) [AS alias]`.
type PolicyColumns = (Vec<(String, String)>, Option<String>);

#[derive(Debug, Clone, PartialEq)]
pub enum AccessCommand {
    /// GRANT / REVOKE privileges ON objects.
    Privileges(PrivilegeChange),
    /// `GRANT ROLE r TO …` / `REVOKE ROLE r FROM …`.
    Roles {
        grant: bool,
        roles: Vec<String>,
        grantees: Vec<Grantee>,
    },
    CreateGroup {
        name: String,
        users: Vec<String>,
    },
    AlterGroup {
        name: String,
        change: GroupChange,
    },
    DropGroup {
        names: Vec<String>,
        if_exists: bool,
    },
    CreateRole {
        name: String,
    },
    DropRole {
        names: Vec<String>,
        if_exists: bool,
        force: bool,
    },
    /// `ALTER TABLE|VIEW|SCHEMA name OWNER TO user`.
    SetOwner {
        object: OwnedObject,
        owner: String,
    },
    /// `CREATE RLS POLICY name [WITH (column type, …) [AS alias]] USING (predicate)`.
    CreatePolicy {
        name: String,
        columns: Vec<(String, String)>,
        alias: Option<String>,
        using: String,
    },
    /// `ALTER RLS POLICY name USING (predicate)`.
    AlterPolicy {
        name: String,
        using: String,
    },
    DropPolicy {
        name: String,
        if_exists: bool,
        cascade: bool,
    },
    /// `ATTACH RLS POLICY p ON t, … TO grantee, …` / `DETACH … FROM …`.
    AttachPolicy {
        attach: bool,
        name: String,
        tables: Vec<QualifiedName>,
        grantees: Vec<Grantee>,
    },
    /// `ALTER TABLE t ROW LEVEL SECURITY ON [CONJUNCTION TYPE AND|OR] | OFF` (`None`: OFF).
    RowLevelSecurity {
        table: QualifiedName,
        conjunction: Option<RlsConjunction>,
    },
    /// `ROTATE ENCRYPTION KEY`: a new cluster key for an encrypted database.
    RotateEncryptionKey,
    /// `SET SESSION AUTHORIZATION user` (`None`: DEFAULT), `RESET SESSION AUTHORIZATION`.
    SetSessionAuthorization {
        user: Option<String>,
        reset: bool,
    },
}

impl AccessCommand {
    /// The command tag; `None` for the statements that do not change the catalog.
    pub fn tag(&self) -> &'static str {
        match self {
            AccessCommand::Privileges(PrivilegeChange { target: GrantTarget::FutureTables { .. }, .. }) => {
                "ALTER DEFAULT PRIVILEGES"
            }
            AccessCommand::Privileges(p) if p.grant => "GRANT",
            AccessCommand::Privileges(_) => "REVOKE",
            AccessCommand::Roles { grant: true, .. } => "GRANT",
            AccessCommand::Roles { grant: false, .. } => "REVOKE",
            AccessCommand::CreateGroup { .. } => "CREATE GROUP",
            AccessCommand::AlterGroup { .. } => "ALTER GROUP",
            AccessCommand::DropGroup { .. } => "DROP GROUP",
            AccessCommand::CreateRole { .. } => "CREATE ROLE",
            AccessCommand::DropRole { .. } => "DROP ROLE",
            AccessCommand::CreatePolicy { .. } => "CREATE RLS POLICY",
            AccessCommand::AlterPolicy { .. } => "ALTER RLS POLICY",
            AccessCommand::DropPolicy { .. } => "DROP RLS POLICY",
            AccessCommand::AttachPolicy { attach: true, .. } => "ATTACH RLS POLICY",
            AccessCommand::AttachPolicy { attach: false, .. } => "DETACH RLS POLICY",
            AccessCommand::RowLevelSecurity { .. } => "ALTER TABLE",
            AccessCommand::RotateEncryptionKey => "ROTATE ENCRYPTION KEY",
            AccessCommand::SetOwner { object: OwnedObject::Schema(_), .. } => "ALTER SCHEMA",
            AccessCommand::SetOwner { .. } => "ALTER TABLE",
            AccessCommand::SetSessionAuthorization { reset: false, .. } => "SET",
            AccessCommand::SetSessionAuthorization { reset: true, .. } => "RESET",
        }
    }

    /// Whether it changes the catalog (refused in a read-only transaction).
    pub fn writes(&self) -> bool {
        !matches!(self, AccessCommand::SetSessionAuthorization { .. })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrivilegeChange {
    pub grant: bool,
    /// `REVOKE GRANT OPTION FOR`: only the right to grant goes.
    pub grant_option_only: bool,
    /// `None`: ALL [PRIVILEGES].
    pub privileges: Option<Vec<(Privileges, Vec<String>)>>,
    pub target: GrantTarget,
    pub grantees: Vec<Grantee>,
    pub with_grant_option: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GrantTarget {
    Tables(Vec<QualifiedName>),
    AllTablesInSchema(Vec<String>),
    Schemas(Vec<String>),
    Databases(Vec<String>),
    /// ALTER DEFAULT PRIVILEGES: tables the `owners` (none: the current user) create later, in
    /// `schemas` (none: anywhere).
    FutureTables {
        owners: Vec<String>,
        schemas: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum GroupChange {
    AddUsers(Vec<String>),
    DropUsers(Vec<String>),
    Rename(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum OwnedObject {
    Relation(QualifiedName),
    Schema(String),
}

/// The access-control command these tokens spell, if they spell one.
pub fn parse(tokens: &[TokenWithSpan]) -> Result<Option<AccessCommand>> {
    let mut c = Cursor { tokens, at: 0 };
    let command = if c.words(&["grant"]) || c.words(&["revoke"]) {
        let grant = is_word(tokens.first(), "grant");
        if c.words(&["role"]) {
            let roles = c.names()?;
            c.expect(if grant { "to" } else { "from" })?;
            AccessCommand::Roles { grant, roles, grantees: c.grantees()? }
        } else {
            AccessCommand::Privileges(c.privilege_change(grant, None)?)
        }
    } else if c.words(&["alter", "default", "privileges"]) {
        let owners = if c.words(&["for", "user"]) { c.names()? } else { vec![] };
        let schemas = if c.words(&["in", "schema"]) { c.names()? } else { vec![] };
        let grant = if c.words(&["grant"]) {
            true
        } else {
            c.expect("revoke")?;
            false
        };
        AccessCommand::Privileges(c.privilege_change(grant, Some((owners, schemas)))?)
    } else if c.words(&["create", "group"]) {
        let name = c.name()?;
        c.words(&["with"]);
        let users = if c.words(&["user"]) { c.names()? } else { vec![] };
        AccessCommand::CreateGroup { name, users }
    } else if c.words(&["alter", "group"]) {
        let name = c.name()?;
        let change = if c.words(&["add", "user"]) {
            GroupChange::AddUsers(c.names()?)
        } else if c.words(&["drop", "user"]) {
            GroupChange::DropUsers(c.names()?)
        } else if c.words(&["rename", "to"]) {
            GroupChange::Rename(c.name()?)
        } else {
            return Err(syntax_at(c.peek(), "ALTER GROUP expects ADD USER, DROP USER or RENAME TO"));
        };
        AccessCommand::AlterGroup { name, change }
    } else if c.words(&["drop", "group"]) {
        let if_exists = c.words(&["if", "exists"]);
        AccessCommand::DropGroup { names: c.names()?, if_exists }
    } else if c.words(&["create", "role"]) {
        AccessCommand::CreateRole { name: c.name()? }
    } else if c.words(&["drop", "role"]) {
        let if_exists = c.words(&["if", "exists"]);
        let names = c.names()?;
        let force = c.words(&["force"]);
        c.words(&["restrict"]);
        AccessCommand::DropRole { names, if_exists, force }
    } else if c.words(&["create", "rls", "policy"]) {
        let name = c.name()?;
        let (columns, alias) = if c.words(&["with"]) { c.policy_columns()? } else { (vec![], None) };
        c.expect("using")?;
        let using = c.predicate(alias.as_deref())?;
        AccessCommand::CreatePolicy { name, columns, alias, using }
    } else if c.words(&["alter", "rls", "policy"]) {
        let name = c.name()?;
        c.expect("using")?;
        AccessCommand::AlterPolicy { name, using: c.predicate(None)? }
    } else if c.words(&["drop", "rls", "policy"]) {
        let if_exists = c.words(&["if", "exists"]);
        let name = c.name()?;
        let cascade = c.words(&["cascade"]);
        c.words(&["restrict"]);
        AccessCommand::DropPolicy { name, if_exists, cascade }
    } else if c.words(&["attach", "rls", "policy"]) || c.words(&["detach", "rls", "policy"]) {
        let attach = is_word(tokens.first(), "attach");
        let name = c.name()?;
        c.expect("on")?;
        c.words(&["table"]);
        let mut tables = vec![c.qualified_name()?];
        while c.comma() {
            tables.push(c.qualified_name()?);
        }
        c.expect(if attach { "to" } else { "from" })?;
        AccessCommand::AttachPolicy { attach, name, tables, grantees: c.grantees()? }
    } else if let Some(table) = row_level_security_target(&mut c)? {
        let conjunction = if c.words(&["off"]) {
            None
        } else {
            c.expect("on")?;
            if c.words(&["conjunction", "type", "and"]) {
                Some(RlsConjunction::And)
            } else {
                c.words(&["conjunction", "type", "or"]);
                Some(RlsConjunction::Or)
            }
        };
        c.words(&["for", "datashares"]);
        AccessCommand::RowLevelSecurity { table, conjunction }
    } else if let Some(object) = owned_object(&mut c)? {
        AccessCommand::SetOwner { object, owner: c.name()? }
    } else if c.words(&["set", "session", "authorization"]) || c.words(&["set", "session_authorization"]) {
        c.words(&["to"]);
        if matches!(c.peek().map(|t| &t.token), Some(Token::Eq)) {
            c.at += 1;
        }
        let quoted = match c.peek().map(|t| &t.token) {
            Some(Token::SingleQuotedString(user)) => Some(user.clone()),
            _ => None,
        };
        let user = match quoted {
            Some(user) => {
                c.at += 1;
                Some(user)
            }
            None if c.words(&["default"]) => None,
            None => Some(c.name()?),
        };
        AccessCommand::SetSessionAuthorization { user, reset: false }
    } else if c.words(&["rotate", "encryption", "key"]) {
        AccessCommand::RotateEncryptionKey
    } else if c.words(&["reset", "session", "authorization"]) || c.words(&["reset", "session_authorization"]) {
        AccessCommand::SetSessionAuthorization { user: None, reset: true }
    } else {
        return Ok(None);
    };
    if let Some(extra) = c.peek() {
        return Err(Error::syntax(format!("syntax error at or near \"{}\"", extra.token)));
    }
    Ok(Some(command))
}

/// `ALTER TABLE name ROW LEVEL SECURITY` (the cursor is left on ON / OFF).
fn row_level_security_target(c: &mut Cursor) -> Result<Option<QualifiedName>> {
    let start = c.at;
    if c.words(&["alter", "table"]) {
        let table = c.qualified_name()?;
        if c.words(&["row", "level", "security"]) {
            return Ok(Some(table));
        }
    }
    c.at = start;
    Ok(None)
}

/// `ALTER TABLE|VIEW|SCHEMA name OWNER TO` (the cursor is left on the new owner).
fn owned_object(c: &mut Cursor) -> Result<Option<OwnedObject>> {
    let start = c.at;
    let object = if c.words(&["alter", "table"]) || c.words(&["alter", "view"]) {
        OwnedObject::Relation(c.qualified_name()?)
    } else if c.words(&["alter", "schema"]) {
        OwnedObject::Schema(c.name()?)
    } else {
        return Ok(None);
    };
    if c.words(&["owner", "to"]) {
        Ok(Some(object))
    } else {
        c.at = start;
        Ok(None)
    }
}

struct Cursor<'a> {
    tokens: &'a [TokenWithSpan],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<&TokenWithSpan> {
        self.tokens.get(self.at)
    }

    /// Takes these words if they come next.
    fn words(&mut self, words: &[&str]) -> bool {
        let matched = words.iter().enumerate().all(|(i, w)| is_word(self.tokens.get(self.at + i), w));
        if matched {
            self.at += words.len();
        }
        matched
    }

    fn expect(&mut self, word: &str) -> Result<()> {
        if self.words(&[word]) {
            Ok(())
        } else {
            Err(syntax_at(self.peek(), &format!("expected {}", word.to_ascii_uppercase())))
        }
    }

    fn comma(&mut self) -> bool {
        let found = matches!(self.peek().map(|t| &t.token), Some(Token::Comma));
        if found {
            self.at += 1;
        }
        found
    }

    fn name(&mut self) -> Result<String> {
        let name =
            self.peek().and_then(|t| normalise(&t.token)).ok_or_else(|| syntax_at(self.peek(), "expected a name"))?;
        self.at += 1;
        Ok(name)
    }

    fn names(&mut self) -> Result<Vec<String>> {
        let mut names = vec![self.name()?];
        while self.comma() {
            names.push(self.name()?);
        }
        Ok(names)
    }

    /// `[dev.][schema.]name`.
    fn qualified_name(&mut self) -> Result<QualifiedName> {
        let mut parts = vec![self.name()?];
        while matches!(self.peek().map(|t| &t.token), Some(Token::Period)) {
            self.at += 1;
            parts.push(self.name()?);
        }
        super::ddl::qualified_parts(&parts)
    }

    /// The tokens inside the parentheses that come next (the cursor moves past them).
    fn parenthesized(&mut self) -> Result<&[TokenWithSpan]> {
        if !matches!(self.peek().map(|t| &t.token), Some(Token::LParen)) {
            return Err(syntax_at(self.peek(), "expected ("));
        }
        let close = matching_paren(self.tokens, self.at)?;
        let inside = &self.tokens[self.at + 1..close];
        self.at = close + 1;
        Ok(inside)
    }

    /// A policy's `(column type, …) [[AS] alias]`: (name, type) pairs and the alias.
    fn policy_columns(&mut self) -> Result<PolicyColumns> {
        let inside = self.parenthesized()?;
        let mut columns = vec![];
        for piece in split_top_level(inside) {
            let (name, data_type) =
                piece.split_first().ok_or_else(|| Error::syntax("expected a column name and type"))?;
            let name = normalise(&name.token).ok_or_else(|| syntax_at(Some(name), "expected a column name"))?;
            let mut parser = sql_parser(data_type);
            let data_type = parser.parse_data_type().map_err(|e| Error::syntax(e.to_string()))?;
            columns.push((name, data_type.to_string()));
        }
        self.words(&["as"]);
        let alias = if self.peek().is_some() && !is_word(self.peek(), "using") { Some(self.name()?) } else { None };
        Ok((columns, alias))
    }

    /// `(predicate)` as SQL, columns qualified by `alias` written unqualified.
    fn predicate(&mut self, alias: Option<&str>) -> Result<String> {
        use datafusion::sql::sqlparser::ast::{visit_expressions_mut, Expr};
        use std::ops::ControlFlow;
        let inside = self.parenthesized()?;
        let mut parser = sql_parser(inside);
        let mut expr = parser.parse_expr().map_err(|e| Error::syntax(e.to_string()))?;
        if parser.peek_token().token != Token::EOF {
            return Err(Error::syntax(format!("syntax error at or near \"{}\"", parser.peek_token().token)));
        }
        if let Some(alias) = alias {
            let _ = visit_expressions_mut(&mut expr, |e| {
                if let Expr::CompoundIdentifier(parts) = e {
                    if parts.len() == 2 && super::ddl::ident_name(&parts[0]) == alias {
                        *e = Expr::Identifier(parts[1].clone());
                    }
                }
                ControlFlow::<()>::Continue(())
            });
        }
        Ok(expr.to_string())
    }

    /// GRANT / REVOKE after its first word; `future`: the `FOR USER …` and `IN SCHEMA …` of ALTER
    /// DEFAULT PRIVILEGES, whose target is `ON TABLES`.
    fn privilege_change(&mut self, grant: bool, future: Option<(Vec<String>, Vec<String>)>) -> Result<PrivilegeChange> {
        let grant_option_only = !grant && self.words(&["grant", "option", "for"]);
        let privileges = if self.words(&["all"]) {
            self.words(&["privileges"]);
            None
        } else {
            let mut list = vec![];
            loop {
                let word = self.name()?;
                let privilege = Privileges::named(&word)
                    .filter(|p| !p.intersects(Privileges::RULE | Privileges::TRIGGER))
                    .ok_or_else(|| Error::syntax(format!("unrecognized privilege type \"{word}\"")))?;
                let columns = if matches!(self.peek().map(|t| &t.token), Some(Token::LParen)) {
                    self.at += 1;
                    let columns = self.names()?;
                    if !matches!(self.peek().map(|t| &t.token), Some(Token::RParen)) {
                        return Err(syntax_at(self.peek(), "expected )"));
                    }
                    self.at += 1;
                    columns
                } else {
                    vec![]
                };
                list.push((privilege, columns));
                if !self.comma() {
                    break;
                }
            }
            Some(list)
        };
        self.expect("on")?;
        let target = if let Some((owners, schemas)) = future {
            if self.words(&["functions"]) || self.words(&["procedures"]) {
                return Err(crate::err!(FEATURE_NOT_SUPPORTED, "default privileges on functions and procedures are not supported (there are no user-defined functions yet)"));
            }
            self.expect("tables")?;
            GrantTarget::FutureTables { owners, schemas }
        } else if self.words(&["all", "tables", "in", "schema"]) {
            GrantTarget::AllTablesInSchema(self.names()?)
        } else if self.words(&["schema"]) {
            GrantTarget::Schemas(self.names()?)
        } else if self.words(&["database"]) {
            GrantTarget::Databases(self.names()?)
        } else {
            self.words(&["table"]);
            let mut tables = vec![self.qualified_name()?];
            while self.comma() {
                tables.push(self.qualified_name()?);
            }
            GrantTarget::Tables(tables)
        };
        self.expect(if grant { "to" } else { "from" })?;
        let grantees = self.grantees()?;
        let with_grant_option = grant && self.words(&["with", "grant", "option"]);
        if !grant && !self.words(&["restrict"]) {
            self.words(&["cascade"]);
        }
        Ok(PrivilegeChange { grant, grant_option_only, privileges, target, grantees, with_grant_option })
    }

    /// `name | USER name | GROUP name | ROLE name | PUBLIC`, comma-separated.
    fn grantees(&mut self) -> Result<Vec<Grantee>> {
        let mut grantees = vec![];
        loop {
            grantees.push(if self.words(&["public"]) {
                Grantee::Public
            } else if self.words(&["group"]) {
                Grantee::Group(self.name()?)
            } else if self.words(&["role"]) {
                Grantee::Role(self.name()?)
            } else {
                self.words(&["user"]);
                Grantee::User(self.name()?)
            });
            if !self.comma() {
                return Ok(grantees);
            }
        }
    }
}

/// sqlparser over these tokens (Redshift's dialect).
fn sql_parser(tokens: &[TokenWithSpan]) -> datafusion::sql::sqlparser::parser::Parser<'static> {
    use datafusion::sql::sqlparser::dialect::RedshiftSqlDialect;
    let mut tokens = tokens.to_vec();
    tokens.push(TokenWithSpan::wrap(Token::EOF));
    datafusion::sql::sqlparser::parser::Parser::new(&RedshiftSqlDialect {}).with_tokens_with_locations(tokens)
}

/// Splits a list at its top-level commas.
fn split_top_level(tokens: &[TokenWithSpan]) -> Vec<&[TokenWithSpan]> {
    let mut pieces = vec![];
    let (mut depth, mut start) = (0, 0);
    for (i, t) in tokens.iter().enumerate() {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                pieces.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(&tokens[start..]);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::sqlparser::dialect::RedshiftSqlDialect;
    use datafusion::sql::sqlparser::tokenizer::Tokenizer;

    fn parsed(sql: &str) -> Option<AccessCommand> {
        let tokens = Tokenizer::new(&RedshiftSqlDialect {}, sql).tokenize_with_location().unwrap();
        let tokens: Vec<_> =
            tokens.into_iter().filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF)).collect();
        parse(&tokens).unwrap()
    }

    fn table(schema: &str, name: &str) -> QualifiedName {
        QualifiedName { schema: schema.into(), name: name.into() }
    }

    #[test]
    fn grants_in_redshift_grammar() {
        let Some(AccessCommand::Privileges(change)) = parsed(
            "GRANT SELECT (a, b), ALTER, truncate ON TABLE s.t, u TO alice, GROUP g, ROLE r, PUBLIC WITH GRANT OPTION",
        ) else {
            panic!("not a grant")
        };
        assert!(change.grant && change.with_grant_option);
        assert_eq!(
            change.privileges,
            Some(vec![
                (Privileges::SELECT, vec!["a".into(), "b".into()]),
                (Privileges::ALTER, vec![]),
                (Privileges::TRUNCATE, vec![])
            ])
        );
        assert_eq!(change.target, GrantTarget::Tables(vec![table("s", "t"), table("public", "u")]));
        assert_eq!(
            change.grantees,
            vec![Grantee::User("alice".into()), Grantee::Group("g".into()), Grantee::Role("r".into()), Grantee::Public]
        );
        let Some(AccessCommand::Privileges(change)) =
            parsed("REVOKE GRANT OPTION FOR ALL ON ALL TABLES IN SCHEMA s FROM bob CASCADE")
        else {
            panic!("not a revoke")
        };
        assert!(!change.grant && change.grant_option_only && change.privileges.is_none());
        assert_eq!(change.target, GrantTarget::AllTablesInSchema(vec!["s".into()]));
    }

    #[test]
    fn groups_roles_owners_and_session_authorization() {
        assert_eq!(
            parsed("CREATE GROUP analysts WITH USER alice, bob"),
            Some(AccessCommand::CreateGroup { name: "analysts".into(), users: vec!["alice".into(), "bob".into()] })
        );
        assert_eq!(
            parsed("ALTER GROUP g DROP USER alice"),
            Some(AccessCommand::AlterGroup { name: "g".into(), change: GroupChange::DropUsers(vec!["alice".into()]) })
        );
        assert_eq!(
            parsed("ALTER TABLE s.t OWNER TO bob"),
            Some(AccessCommand::SetOwner { object: OwnedObject::Relation(table("s", "t")), owner: "bob".into() })
        );
        assert_eq!(parsed("ALTER TABLE t ADD COLUMN c INT"), None);
        assert_eq!(
            parsed("SET SESSION AUTHORIZATION 'alice'"),
            Some(AccessCommand::SetSessionAuthorization { user: Some("alice".into()), reset: false })
        );
        assert_eq!(
            parsed("RESET SESSION AUTHORIZATION"),
            Some(AccessCommand::SetSessionAuthorization { user: None, reset: true })
        );
        assert_eq!(
            parsed("GRANT ROLE r TO alice"),
            Some(AccessCommand::Roles {
                grant: true,
                roles: vec!["r".into()],
                grantees: vec![Grantee::User("alice".into())]
            })
        );
        assert_eq!(parsed("SELECT 1"), None);
        let Some(AccessCommand::Privileges(change)) =
            parsed("ALTER DEFAULT PRIVILEGES FOR USER etl IN SCHEMA s GRANT SELECT ON TABLES TO GROUP g")
        else {
            panic!("not default privileges")
        };
        assert_eq!(change.target, GrantTarget::FutureTables { owners: vec!["etl".into()], schemas: vec!["s".into()] });
        assert_eq!(
            parsed(
                "CREATE RLS POLICY p WITH (region VARCHAR(10), n INT) AS s USING (s.region = current_user AND n > 0)"
            ),
            Some(AccessCommand::CreatePolicy {
                name: "p".into(),
                columns: vec![("region".into(), "VARCHAR(10)".into()), ("n".into(), "INT".into())],
                alias: Some("s".into()),
                using: "region = current_user AND n > 0".into(),
            })
        );
        assert_eq!(
            parsed("ALTER TABLE t ROW LEVEL SECURITY ON CONJUNCTION TYPE AND"),
            Some(AccessCommand::RowLevelSecurity {
                table: table("public", "t"),
                conjunction: Some(RlsConjunction::And)
            })
        );
        assert_eq!(
            parsed("DETACH RLS POLICY p ON TABLE t FROM ROLE r, PUBLIC"),
            Some(AccessCommand::AttachPolicy {
                attach: false,
                name: "p".into(),
                tables: vec![table("public", "t")],
                grantees: vec![Grantee::Role("r".into()), Grantee::Public],
            })
        );
    }
}
