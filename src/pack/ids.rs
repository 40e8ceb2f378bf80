//! Pack ids as the secrets store spells them. The store files a provider's keys under the
//! canonical form of its pack id (`messaging-alpha` and `messaging_alpha` are both
//! `messaging_alpha` there), so two packs whose ids meet in that form would share one
//! provider's secrets: a setup of one overwrites the other's, a removal deletes both. Every
//! command that gathers packs refuses them, as it refuses two packs of one id.

use std::collections::BTreeMap;

use greentic_secrets_lib::canonical_secret_name;

/// The provider segment the dev secrets store files `pack_id`'s keys under (greentic-secrets'
/// `canonical_secret_name`: lower case, `-` `.` `/` and spaces to `_`).
pub fn store_name(pack_id: &str) -> String {
    canonical_secret_name(pack_id)
}

/// The groups of `ids` (their positions) that share one store name, each group in the order
/// given, the groups in store-name order. An id alone in its store name is in no group.
pub fn shared_store_names<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<(String, Vec<usize>)> {
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, id) in ids.into_iter().enumerate() {
        by_name.entry(store_name(id)).or_default().push(index);
    }
    by_name.into_iter().filter(|(_, v)| v.len() > 1).collect()
}

/// One pack of a collision: how the user knows its file, and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollidingPack {
    pub file: String,
    pub pack_id: String,
}

/// Packs the secrets store cannot tell apart, for a command that acts on the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "packs {} share the secrets store's provider name {store_name}: one's secrets would be the other's; keep one of them, or give one another pack id",
    named(packs)
)]
pub struct IdCollision {
    pub store_name: String,
    pub packs: Vec<CollidingPack>,
}

impl IdCollision {
    /// Every collision among `packs`, in store-name order.
    pub fn among(packs: &[CollidingPack]) -> Vec<IdCollision> {
        shared_store_names(packs.iter().map(|p| p.pack_id.as_str()))
            .into_iter()
            .map(|(store_name, indexes)| IdCollision {
                store_name,
                packs: indexes.into_iter().map(|i| packs[i].clone()).collect(),
            })
            .collect()
    }
}

fn named(packs: &[CollidingPack]) -> String {
    packs
        .iter()
        .map(|p| format!("{} (id {:?})", p.file, p.pack_id))
        .collect::<Vec<_>>()
        .join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_the_store_spells_alike_collide_and_others_do_not() {
        let groups = shared_store_names(["messaging-alpha", "other", "Messaging.Alpha", "x"]);
        assert_eq!(groups, [("messaging_alpha".to_string(), vec![0, 2])]);
        let pack = |file: &str, id: &str| CollidingPack {
            file: file.into(),
            pack_id: id.into(),
        };
        let found = IdCollision::among(&[pack("a.gtpack", "m-a"), pack("b.gtpack", "m_a")]);
        assert_eq!(
            found[0].to_string(),
            "packs a.gtpack (id \"m-a\") and b.gtpack (id \"m_a\") share the secrets store's provider name m_a: one's secrets would be the other's; keep one of them, or give one another pack id"
        );
    }
}
