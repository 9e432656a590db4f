//! Access-control statements in Redshift's grammar, read from the token stream: GRANT / REVOKE
//! (Redshift's privileges include ALTER, DROP and TRUNCATE, and its grantees GROUP and ROLE, which
//! sqlparser's grammar lacks), CREATE / ALTER / DROP GROUP, CREATE / DROP ROLE, GRANT / REVOKE
//! ROLE, ALTER … OWNER TO and SET / RESET SESSION AUTHORIZATION.

use super::parser::{is_word, normalise, syntax_at};
use crate::catalog::{Grantee, Privileges, QualifiedName};
use crate::error::{Error, Result};
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan};

#[derive(Debug, Clone, PartialEq)]
pub enum AccessCommand {
    /// GRANT / REVOKE privileges ON objects.
    Privileges(PrivilegeChange),
    /// `GRANT ROLE r TO …` / `REVOKE ROLE r FROM …`.
    Roles { grant: bool, roles: Vec<String>, grantees: Vec<Grantee> },
    CreateGroup { name: String, users: Vec<String> },
    AlterGroup { name: String, change: GroupChange },
    DropGroup { names: Vec<String>, if_exists: bool },
    CreateRole { name: String },
    DropRole { names: Vec<String>, if_exists: bool, force: bool },
    /// `ALTER TABLE|VIEW|SCHEMA name OWNER TO user`.
    SetOwner { object: OwnedObject, owner: String },
    /// `SET SESSION AUTHORIZATION user` (`None`: DEFAULT), `RESET SESSION AUTHORIZATION`.
    SetSessionAuthorization { user: Option<String>, reset: bool },
}

impl AccessCommand {
    /// The command tag; `None` for the statements that do not change the catalog.
    pub fn tag(&self) -> &'static str {
        match self {
            AccessCommand::Privileges(p) if p.grant => "GRANT",
            AccessCommand::Privileges(_) => "REVOKE",
            AccessCommand::Roles { grant: true, .. } => "GRANT",
            AccessCommand::Roles { grant: false, .. } => "REVOKE",
            AccessCommand::CreateGroup { .. } => "CREATE GROUP",
            AccessCommand::AlterGroup { .. } => "ALTER GROUP",
            AccessCommand::DropGroup { .. } => "DROP GROUP",
            AccessCommand::CreateRole { .. } => "CREATE ROLE",
            AccessCommand::DropRole { .. } => "DROP ROLE",
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
            AccessCommand::Privileges(c.privilege_change(grant)?)
        }
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
        let name = self.peek().and_then(|t| normalise(&t.token)).ok_or_else(|| syntax_at(self.peek(), "expected a name"))?;
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

    fn privilege_change(&mut self, grant: bool) -> Result<PrivilegeChange> {
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
        let target = if self.words(&["all", "tables", "in", "schema"]) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::sqlparser::dialect::RedshiftSqlDialect;
    use datafusion::sql::sqlparser::tokenizer::Tokenizer;

    fn parsed(sql: &str) -> Option<AccessCommand> {
        let tokens = Tokenizer::new(&RedshiftSqlDialect {}, sql).tokenize_with_location().unwrap();
        let tokens: Vec<_> = tokens.into_iter().filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF)).collect();
        parse(&tokens).unwrap()
    }

    fn table(schema: &str, name: &str) -> QualifiedName {
        QualifiedName { schema: schema.into(), name: name.into() }
    }

    #[test]
    fn grants_in_redshift_grammar() {
        let Some(AccessCommand::Privileges(change)) =
            parsed("GRANT SELECT (a, b), ALTER, truncate ON TABLE s.t, u TO alice, GROUP g, ROLE r, PUBLIC WITH GRANT OPTION")
        else {
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
        let Some(AccessCommand::Privileges(change)) = parsed("REVOKE GRANT OPTION FOR ALL ON ALL TABLES IN SCHEMA s FROM bob CASCADE")
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
        assert_eq!(parsed("SET SESSION AUTHORIZATION 'alice'"), Some(AccessCommand::SetSessionAuthorization { user: Some("alice".into()), reset: false }));
        assert_eq!(parsed("RESET SESSION AUTHORIZATION"), Some(AccessCommand::SetSessionAuthorization { user: None, reset: true }));
        assert_eq!(
            parsed("GRANT ROLE r TO alice"),
            Some(AccessCommand::Roles { grant: true, roles: vec!["r".into()], grantees: vec![Grantee::User("alice".into())] })
        );
        assert_eq!(parsed("SELECT 1"), None);
    }
}
