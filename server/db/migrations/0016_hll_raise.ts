import { type Kysely, sql } from 'kysely';

// Ingest adds a batch's authors to the per-day HyperLogLog sketches inside the statement that
// stores the batch: the batch sends each new author's register and rank (hashed where the
// sketches are read), the statement keeps those above what the sketch holds, and this raises
// them in place. Registers only ever grow, so applying the same authors twice, or two writers
// one after the other, gives the same sketch. Sketches are stored uncompressed (4 KiB fits in a
// page): reading one register of a compressed sketch decompresses all of it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rollup_author_days alter column sketch set storage plain`.execute(db);
  await sql`
    create function hll_raise(sketch bytea, registers integer[], ranks integer[]) returns bytea
    language plpgsql immutable parallel safe as $$
    declare
      -- A stored sketch arrives compressed; reading a byte of it would decompress all of it each time.
      raised bytea := sketch || ''::bytea;
    begin
      for i in 1 .. coalesce(array_length(registers, 1), 0) loop
        if get_byte(raised, registers[i]) < ranks[i] then
          raised := set_byte(raised, registers[i], ranks[i]);
        end if;
      end loop;
      return raised;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function hll_raise(bytea, integer[], integer[])`.execute(db);
  await sql`alter table rollup_author_days alter column sketch set storage extended`.execute(db);
}
