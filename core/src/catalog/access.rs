//! Who may do what: privileges, access control lists, groups and roles, as Redshift has them.
//!
//! An object's owner holds every privilege on it and superusers pass every check; anyone else
//! needs a grant, to them, to `PUBLIC`, to a group they belong to or to a role they have
//! (directly or through another role). Grants are kept as ACL items on the object they are on
//! (tables, views and external tables; their columns; schemas), so a snapshot of the catalog
//! answers every check by itself.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A set of privileges (bit flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Privileges(pub u16);

impl Privileges {
    pub const NONE: Privileges = Privileges(0);
    pub const SELECT: Privileges = Privileges(1);
    pub const INSERT: Privileges = Privileges(1 << 1);
    pub const UPDATE: Privileges = Privileges(1 << 2);
    pub const DELETE: Privileges = Privileges(1 << 3);
    pub const REFERENCES: Privileges = Privileges(1 << 4);
    pub const TRUNCATE: Privileges = Privileges(1 << 5);
    pub const DROP: Privileges = Privileges(1 << 6);
    pub const ALTER: Privileges = Privileges(1 << 7);
    pub const RULE: Privileges = Privileges(1 << 8);
    pub const TRIGGER: Privileges = Privileges(1 << 9);
    pub const USAGE: Privileges = Privileges(1 << 10);
    pub const CREATE: Privileges = Privileges(1 << 11);
    pub const TEMP: Privileges = Privileges(1 << 12);

    /// What `ALL` means on a table or view.
    pub const ALL_TABLE: Privileges = Privileges(
        Self::SELECT.0
            | Self::INSERT.0
            | Self::UPDATE.0
            | Self::DELETE.0
            | Self::REFERENCES.0
            | Self::TRUNCATE.0
            | Self::DROP.0
            | Self::ALTER.0
            | Self::RULE.0
            | Self::TRIGGER.0,
    );
    /// What may be granted on a column.
    pub const ALL_COLUMN: Privileges = Privileges(Self::SELECT.0 | Self::UPDATE.0);
    /// What `ALL` means on a schema.
    pub const ALL_SCHEMA: Privileges = Privileges(Self::USAGE.0 | Self::CREATE.0 | Self::ALTER.0 | Self::DROP.0);

    /// Name and `aclitem` letter of each privilege, in the order Redshift prints them.
    const NAMES: [(Privileges, &'static str, char); 13] = [
        (Self::INSERT, "INSERT", 'a'),
        (Self::SELECT, "SELECT", 'r'),
        (Self::UPDATE, "UPDATE", 'w'),
        (Self::DELETE, "DELETE", 'd'),
        (Self::RULE, "RULE", 'R'),
        (Self::REFERENCES, "REFERENCES", 'x'),
        (Self::TRIGGER, "TRIGGER", 't'),
        (Self::DROP, "DROP", 'D'),
        (Self::TRUNCATE, "TRUNCATE", 'P'),
        (Self::ALTER, "ALTER", 'A'),
        (Self::USAGE, "USAGE", 'U'),
        (Self::CREATE, "CREATE", 'C'),
        (Self::TEMP, "TEMP", 'T'),
    ];

    pub fn contains(self, other: Privileges) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn intersects(self, other: Privileges) -> bool {
        self.0 & other.0 != 0
    }
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
    pub fn without(self, other: Privileges) -> Privileges {
        Privileges(self.0 & !other.0)
    }

    /// A privilege by its SQL name (`SELECT`, `TEMPORARY`, …).
    pub fn named(name: &str) -> Option<Privileges> {
        let name = name.to_ascii_uppercase();
        let name = if name == "TEMPORARY" { "TEMP" } else { name.as_str() };
        Self::NAMES.iter().find(|(_, n, _)| *n == name).map(|(p, _, _)| *p)
    }

    /// The single privileges in this set, by SQL name.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES.into_iter().filter(move |(p, _, _)| self.contains(*p)).map(|(_, n, _)| n)
    }

    /// The `aclitem` letters of this set (`arwd…`).
    pub fn letters(self) -> String {
        Self::NAMES.iter().filter(|(p, _, _)| self.contains(*p)).map(|(_, _, c)| *c).collect()
    }
}

impl std::ops::BitOr for Privileges {
    type Output = Privileges;
    fn bitor(self, other: Privileges) -> Privileges {
        Privileges(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for Privileges {
    fn bitor_assign(&mut self, other: Privileges) {
        self.0 |= other.0;
    }
}

impl std::ops::BitAnd for Privileges {
    type Output = Privileges;
    fn bitand(self, other: Privileges) -> Privileges {
        Privileges(self.0 & other.0)
    }
}

/// Whom a privilege is granted to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Grantee {
    Public,
    User(String),
    Group(String),
    Role(String),
}

impl fmt::Display for Grantee {
    /// As `aclitem` text names it: `alice`, `group analysts`, `role r`, or nothing for PUBLIC.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grantee::Public => Ok(()),
            Grantee::User(name) => write!(f, "{name}"),
            Grantee::Group(name) => write!(f, "group {name}"),
            Grantee::Role(name) => write!(f, "role {name}"),
        }
    }
}

/// One entry of an access control list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclItem {
    pub grantee: Grantee,
    pub privileges: Privileges,
    /// The subset the grantee may grant on (`WITH GRANT OPTION`).
    #[serde(default, skip_serializing_if = "Privileges::is_empty")]
    pub grantable: Privileges,
    pub grantor: String,
}

/// The grants on one object (the owner's own rights are implied, not listed).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Acl(pub Vec<AclItem>);

impl Acl {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `privileges` (and the grant option on them) for `grantee`, granted by `grantor`.
    pub fn grant(&mut self, grantee: &Grantee, privileges: Privileges, with_grant_option: bool, grantor: &str) {
        let grantable = if with_grant_option { privileges } else { Privileges::NONE };
        self.add(AclItem { grantee: grantee.clone(), privileges, grantable, grantor: grantor.to_string() });
    }

    /// Adds every grant of `other` (default privileges given to a new object).
    pub fn merge(&mut self, other: &Acl) {
        for item in &other.0 {
            self.add(item.clone());
        }
    }

    /// One grant, joined to the entry of the same grantee and grantor if there is one.
    fn add(&mut self, item: AclItem) {
        match self.0.iter_mut().find(|i| i.grantee == item.grantee && i.grantor == item.grantor) {
            Some(existing) => {
                existing.privileges |= item.privileges;
                existing.grantable |= item.grantable;
            }
            None => self.0.push(item),
        }
    }

    /// Removes `privileges` from `grantee` (whoever granted them), or only the grant option on
    /// them. Entries left empty go.
    pub fn revoke(&mut self, grantee: &Grantee, privileges: Privileges, grant_option_only: bool) {
        for item in self.0.iter_mut().filter(|i| &i.grantee == grantee) {
            item.grantable = item.grantable.without(privileges);
            if !grant_option_only {
                item.privileges = item.privileges.without(privileges);
            }
        }
        self.0.retain(|i| !i.privileges.is_empty());
    }

    /// Drops every entry naming `grantee` (a dropped group or role).
    pub fn forget(&mut self, grantee: &Grantee) {
        self.0.retain(|i| &i.grantee != grantee);
    }

    /// Renames a grantee or grantor.
    pub fn rename(&mut self, from: &Grantee, to: &Grantee) {
        for item in &mut self.0 {
            if &item.grantee == from {
                item.grantee = to.clone();
            }
            if let (Grantee::User(old), Grantee::User(new)) = (from, to) {
                if &item.grantor == old {
                    item.grantor = new.clone();
                }
            }
        }
    }

    pub fn mentions_user(&self, user: &str) -> bool {
        self.0.iter().any(|i| i.grantee == Grantee::User(user.to_string()) || i.grantor == user)
    }

    /// What the principal holds through this list (and what it may grant on).
    pub fn held_by(&self, principal: &Principal) -> (Privileges, Privileges) {
        self.0
            .iter()
            .filter(|i| principal.is(&i.grantee))
            .fold((Privileges::NONE, Privileges::NONE), |(held, grantable), i| {
                (held | i.privileges, grantable | i.grantable)
            })
    }

    /// Redshift's `aclitem[]` text (`{alice=arwd/owner,"group g=r/owner"}`), the owner's own
    /// rights (`all`) first; `None` while nothing was ever granted, as Redshift shows NULL.
    pub fn to_text(&self, owner: &str, all: Privileges) -> Option<String> {
        let items: Vec<String> = self
            .items(owner, all)?
            .into_iter()
            .map(|text| if text.contains(' ') { format!("\"{text}\"") } else { text })
            .collect();
        Some(format!("{{{}}}", items.join(",")))
    }

    /// The `aclitem` texts (`alice=r*/owner`, `group g=ar/owner`), the owner's first.
    pub fn items(&self, owner: &str, all: Privileges) -> Option<Vec<String>> {
        if self.0.is_empty() {
            return None;
        }
        let mut items = vec![format!("{owner}={}/{owner}", all.letters())];
        for item in &self.0 {
            let letters: String = Privileges::NAMES
                .iter()
                .filter(|(p, _, _)| item.privileges.contains(*p))
                .map(|(p, _, c)| if item.grantable.contains(*p) { format!("{c}*") } else { c.to_string() })
                .collect();
            items.push(format!("{}={letters}/{}", item.grantee, item.grantor));
        }
        Some(items)
    }
}

/// `ALTER DEFAULT PRIVILEGES`: grants that tables and views `owner` creates later (in `schema`,
/// or anywhere) start with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultAcl {
    pub owner: String,
    pub schema: Option<String>,
    pub acl: Acl,
}

/// A user group (`CREATE GROUP`): its members hold what is granted to the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: u32,
    pub name: String,
    pub members: BTreeSet<String>,
}

/// A role (`CREATE ROLE`): granted to users and to other roles, which then hold what is granted
/// to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub id: u32,
    pub name: String,
    pub owner: String,
    /// Users granted the role directly.
    pub users: BTreeSet<String>,
    /// Roles granted the role (their holders hold it too).
    pub roles: BTreeSet<String>,
}

/// A row-level security policy (`CREATE RLS POLICY`): attached to a table for some users, roles
/// or PUBLIC, it limits the rows they see (and update and delete) to those its predicate holds
/// for, once the table's row-level security is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RlsPolicy {
    pub id: u32,
    pub name: String,
    /// `WITH (column type, …)`: the columns the predicate reads; a table it is attached to must
    /// have them.
    pub columns: Vec<(String, String)>,
    /// `WITH (…) AS alias`, as written (the predicate is kept without it).
    pub alias: Option<String>,
    /// `USING (…)`: SQL over the table's columns, unqualified.
    pub using: String,
    pub owner: String,
    pub attachments: Vec<RlsAttachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RlsAttachment {
    pub relation: crate::catalog::RelId,
    pub grantee: Grantee,
    pub grantor: String,
}

/// How the policies that apply to a user combine (`CONJUNCTION TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RlsConjunction {
    /// A row is visible when any policy allows it (the default).
    Or,
    /// … when every policy allows it.
    And,
}

impl RlsConjunction {
    pub fn name(self) -> &'static str {
        match self {
            RlsConjunction::Or => "OR",
            RlsConjunction::And => "AND",
        }
    }
}

/// A user as access checks see them: their name, whether they are a superuser, and the groups
/// and roles (transitively) they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: String,
    pub superuser: bool,
    pub groups: BTreeSet<String>,
    pub roles: BTreeSet<String>,
}

impl Principal {
    /// Whether a grant to `grantee` reaches this principal.
    pub fn is(&self, grantee: &Grantee) -> bool {
        match grantee {
            Grantee::Public => true,
            Grantee::User(name) => name == &self.user,
            Grantee::Group(name) => self.groups.contains(name),
            Grantee::Role(name) => self.roles.contains(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(user: &str, groups: &[&str]) -> Principal {
        Principal {
            user: user.into(),
            superuser: false,
            groups: groups.iter().map(|g| g.to_string()).collect(),
            roles: BTreeSet::new(),
        }
    }

    #[test]
    fn grants_reach_users_groups_and_public() {
        let mut acl = Acl::default();
        acl.grant(&Grantee::User("alice".into()), Privileges::SELECT | Privileges::INSERT, false, "owner");
        acl.grant(&Grantee::Group("analysts".into()), Privileges::UPDATE, true, "owner");
        acl.grant(&Grantee::Public, Privileges::REFERENCES, false, "owner");
        let (held, grantable) = acl.held_by(&principal("alice", &["analysts"]));
        assert_eq!(held, Privileges::SELECT | Privileges::INSERT | Privileges::UPDATE | Privileges::REFERENCES);
        assert_eq!(grantable, Privileges::UPDATE);
        assert_eq!(acl.held_by(&principal("bob", &[])).0, Privileges::REFERENCES);
        acl.revoke(&Grantee::User("alice".into()), Privileges::INSERT, false);
        acl.revoke(&Grantee::Group("analysts".into()), Privileges::UPDATE, true);
        let (held, grantable) = acl.held_by(&principal("alice", &["analysts"]));
        assert!(!held.contains(Privileges::INSERT) && held.contains(Privileges::UPDATE));
        assert!(grantable.is_empty());
    }

    #[test]
    fn acl_text_follows_redshift() {
        let mut acl = Acl::default();
        assert_eq!(acl.to_text("o", Privileges::ALL_TABLE), None);
        acl.grant(&Grantee::User("alice".into()), Privileges::SELECT, true, "o");
        acl.grant(&Grantee::Group("g".into()), Privileges::SELECT | Privileges::INSERT, false, "o");
        acl.grant(&Grantee::Public, Privileges::SELECT, false, "o");
        assert_eq!(
            acl.to_text("o", Privileges::ALL_TABLE).unwrap(),
            "{o=arwdRxtDPA/o,alice=r*/o,\"group g=ar/o\",=r/o}"
        );
    }
}
