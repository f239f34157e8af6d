import { type Kysely, sql } from 'kysely';

// Ingest writes a subject link and a derive-queue row for each new post in the statement that
// inserts the post, from that insert's RETURNING ids, so a link can only point at a post that is
// there. The row-by-row foreign-key checks on these two tables cost as much as the inserts
// themselves (three trigger calls per post). Posts and subjects are never hard-deleted (posts get
// deleted_at, subjects are archived); should one be, statement-level triggers keep the cascade.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table post_subjects drop constraint post_subjects_post_id_fkey`.execute(db);
  await sql`alter table post_subjects drop constraint post_subjects_subject_id_fkey`.execute(db);
  await sql`alter table derive_queue drop constraint derive_queue_post_id_fkey`.execute(db);

  await sql`
    create function posts_delete_cascade() returns trigger language plpgsql as $$
    begin
      delete from post_subjects where post_id in (select id from gone);
      delete from derive_queue where post_id in (select id from gone);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger posts_delete_cascade after delete on posts
    referencing old table as gone for each statement execute function posts_delete_cascade()`.execute(db);
  await sql`
    create function subjects_delete_cascade() returns trigger language plpgsql as $$
    begin
      delete from post_subjects where subject_id in (select id from gone);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger subjects_delete_cascade after delete on subjects
    referencing old table as gone for each statement execute function subjects_delete_cascade()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger subjects_delete_cascade on subjects`.execute(db);
  await sql`drop function subjects_delete_cascade()`.execute(db);
  await sql`drop trigger posts_delete_cascade on posts`.execute(db);
  await sql`drop function posts_delete_cascade()`.execute(db);
  await sql`alter table derive_queue add constraint derive_queue_post_id_fkey foreign key (post_id) references posts (id) on delete cascade`.execute(db);
  await sql`alter table post_subjects add constraint post_subjects_subject_id_fkey foreign key (subject_id) references subjects (id) on delete cascade`.execute(db);
  await sql`alter table post_subjects add constraint post_subjects_post_id_fkey foreign key (post_id) references posts (id) on delete cascade`.execute(db);
}
