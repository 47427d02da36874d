//! Editing a project's storyboard in place, in the history: a new project, shots put in,
//! changed, moved and removed (positions kept dense, the first shot standing alone), its
//! edit decisions in the cut set, and takes rated or rejected. Each change is one transaction.

use super::records::{Project, RecordError, Shot, bind_plan, create, insert_row};
use super::{Edit, ShotPlan, Storyboard};
use crate::clock::now_ms;
use crate::store::Store;

/// Creates a project with no shots yet (the window's "New project").
pub async fn create_empty(store: &Store, name: &str) -> Result<Project, RecordError> {
    create(
        store,
        &Storyboard {
            name: name.to_string(),
            ..Storyboard::default()
        },
    )
    .await
}

/// Puts `plan` in as shot `position` (1 for the first; past the end appends), moving the
/// shots from there on one down.
pub async fn insert_shot(
    store: &Store,
    project_id: &str,
    position: i64,
    plan: &ShotPlan,
) -> Result<(), sqlx::Error> {
    let mut tx = store.write().await?;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shots WHERE project_id = ?")
        .bind(project_id)
        .fetch_one(&mut *tx)
        .await?;
    let position = position.clamp(1, count + 1);
    sqlx::query("UPDATE shots SET position = position + 1 WHERE project_id = ? AND position >= ?")
        .bind(project_id)
        .bind(position)
        .execute(&mut *tx)
        .await?;
    insert_row(&mut tx, project_id, position, plan, now_ms()).await?;
    touch(&mut tx, project_id).await?;
    tx.commit().await
}

/// Replaces what shot `shot_id` plans (its takes stay).
pub async fn update_shot(store: &Store, shot: &Shot, plan: &ShotPlan) -> Result<(), sqlx::Error> {
    let mut tx = store.write().await?;
    let query = sqlx::query(
        "UPDATE shots SET title = ?, prompt = ?, chain = ?, settings = ?, seed = ?, image = ?, \
         end_image = ?, media = ?, direction = ?, needs = NULL WHERE id = ?",
    );
    bind_plan(query, plan)
        .bind(&shot.id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, &shot.project_id).await?;
    tx.commit().await
}

/// Sets a shot's edit decisions in the cut (its in and out points, its transition).
pub async fn set_edit(store: &Store, shot: &Shot, edit: &Edit) -> Result<(), sqlx::Error> {
    let mut tx = store.write().await?;
    sqlx::query("UPDATE shots SET edit = ? WHERE id = ?")
        .bind(sqlx::types::Json(edit))
        .bind(&shot.id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, &shot.project_id).await?;
    tx.commit().await
}

/// Removes a shot (its renders stay in the Library), closing the gap; the shot that ends
/// up first stands alone.
pub async fn delete_shot(store: &Store, shot: &Shot) -> Result<(), sqlx::Error> {
    let mut tx = store.write().await?;
    sqlx::query("DELETE FROM shots WHERE id = ?")
        .bind(&shot.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE shots SET position = position - 1 WHERE project_id = ? AND position > ?")
        .bind(&shot.project_id)
        .bind(shot.position)
        .execute(&mut *tx)
        .await?;
    first_stands_alone(&mut tx, &shot.project_id).await?;
    touch(&mut tx, &shot.project_id).await?;
    tx.commit().await
}

/// Moves a shot to `position` (1 for the first), the others closing up around it. The
/// shot that ends up first stands alone: there is nothing before it to chain from.
pub async fn move_shot(store: &Store, shot: &Shot, position: i64) -> Result<(), sqlx::Error> {
    let mut tx = store.write().await?;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shots WHERE project_id = ?")
        .bind(&shot.project_id)
        .fetch_one(&mut *tx)
        .await?;
    let to = position.clamp(1, count);
    let from = shot.position;
    if to != from {
        // Out of the way first (positions are kept dense, never duplicated at rest).
        sqlx::query("UPDATE shots SET position = 0 WHERE id = ?")
            .bind(&shot.id)
            .execute(&mut *tx)
            .await?;
        let (shift, low, high) = if to < from {
            (1, to, from - 1)
        } else {
            (-1, from + 1, to)
        };
        sqlx::query(
            "UPDATE shots SET position = position + ? WHERE project_id = ? AND position BETWEEN ? AND ?",
        )
        .bind(shift)
        .bind(&shot.project_id)
        .bind(low)
        .bind(high)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE shots SET position = ? WHERE id = ?")
            .bind(to)
            .bind(&shot.id)
            .execute(&mut *tx)
            .await?;
    }
    first_stands_alone(&mut tx, &shot.project_id).await?;
    touch(&mut tx, &shot.project_id).await?;
    tx.commit().await
}

/// Rates a take (1 to 5, or none) and rejects it or takes it back: the judgement of its
/// render, which the take follows (migration 18).
pub async fn judge_take(
    store: &Store,
    job_id: &str,
    rating: Option<i64>,
    rejected: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE jobs SET rating = ?, rejected = ? WHERE id = ? AND id IN (SELECT job_id FROM takes)",
    )
        .bind(rating)
        .bind(rejected)
        .bind(job_id)
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The first shot has nothing before it to chain from.
async fn first_stands_alone(
    tx: &mut sqlx::SqliteConnection,
    project_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE shots SET chain = 'none' WHERE project_id = ? AND position = 1")
        .bind(project_id)
        .execute(tx)
        .await?;
    Ok(())
}

async fn touch(tx: &mut sqlx::SqliteConnection, project_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE projects SET updated_at = ? WHERE id = ?")
        .bind(now_ms())
        .bind(project_id)
        .execute(tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Chain;
    use crate::project::records::shots;
    use crate::project::storyboard::{Format, parse};

    async fn nth(store: &Store, id: &str, n: usize) -> Shot {
        shots(store, id).await.unwrap()[n - 1].clone()
    }

    async fn positions(store: &Store, id: &str) -> Vec<(String, Chain)> {
        shots(store, id)
            .await
            .unwrap()
            .into_iter()
            .map(|s| (s.title, s.chain))
            .collect()
    }

    #[tokio::test]
    async fn shots_move_insert_and_go_keeping_the_order_dense_and_the_first_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let text = "# P\n\n## Shot 1: A\nA harbour at dawn.\n\n## Shot 2: B\nchain: clip\nBoats leave the harbour.\n\n## Shot 3: C\nchain: last-frame\nGulls above the boats.\n";
        let project = create(&store, &parse(text, Format::Markdown, None).unwrap())
            .await
            .unwrap();
        // C to the front: it stands alone; A and B follow in order.
        move_shot(&store, &nth(&store, &project.id, 3).await, 1)
            .await
            .unwrap();
        assert_eq!(
            positions(&store, &project.id).await,
            [
                ("C".into(), Chain::None),
                ("A".into(), Chain::None),
                ("B".into(), Chain::Clip)
            ]
        );
        // Moved past the end: last.
        move_shot(&store, &nth(&store, &project.id, 1).await, 9)
            .await
            .unwrap();
        let titles: Vec<String> = positions(&store, &project.id)
            .await
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(titles, ["A", "B", "C"]);
        // Inserted in the middle, then the first deleted: B (chained) becomes first, alone.
        let plan = ShotPlan {
            title: "X".into(),
            prompt: "A lighthouse in fog.".into(),
            ..ShotPlan::default()
        };
        insert_shot(&store, &project.id, 2, &plan).await.unwrap();
        let titles: Vec<String> = positions(&store, &project.id)
            .await
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(titles, ["A", "X", "B", "C"]);
        delete_shot(&store, &nth(&store, &project.id, 1).await)
            .await
            .unwrap();
        delete_shot(&store, &nth(&store, &project.id, 1).await)
            .await
            .unwrap();
        // (C stood alone once it was first, and keeps standing alone.)
        assert_eq!(
            positions(&store, &project.id).await,
            [("B".into(), Chain::None), ("C".into(), Chain::None)]
        );
        let numbers: Vec<i64> = shots(&store, &project.id)
            .await
            .unwrap()
            .iter()
            .map(|s| s.position)
            .collect();
        assert_eq!(numbers, [1, 2]);
    }
}
