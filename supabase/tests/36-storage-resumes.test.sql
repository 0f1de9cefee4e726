-- The `resumes` bucket and its storage.objects policies: each tenant is confined to the
-- folder named after its tenant id (resumes/<tenant_id>/...). Files of A and B come
-- from the fixture: <A>/cv-a1.pdf and <B>/cv-b1.pdf.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(34);

select results_eq(
  $$select id, name, public, file_size_limit, allowed_mime_types from storage.buckets where id = 'resumes'$$,
  $$values ('resumes'::text, 'resumes'::text, false, 10485760::bigint, array['application/pdf'])$$,
  'the resumes bucket is private, PDF only, 10 MiB');
select policies_are('storage', 'objects', array[
  'Members can read resumes in their tenant''s folder',
  'Owners and admins can upload resumes to their tenant''s folder',
  'Owners and admins can replace resumes in their tenant''s folder',
  'Owners can delete resumes in their tenant''s folder'],
  'storage.objects has exactly the resume folder policies');

-- another bucket, to show the policies are about resumes only
insert into storage.buckets (id, name, public) values ('avatars', 'avatars', false);
insert into storage.objects (bucket_id, name) values ('avatars', '10000000-0000-0000-0000-0000000000aa/logo.png');

-- anon: the API role has table privileges (as on Supabase); no policy is for anon
select tests.clear_authentication();
select is_empty($$select name from storage.objects$$, 'anon sees no files');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('resumes', '10000000-0000-0000-0000-0000000000aa/anon.pdf')$$,
  '42501', null, 'anon cannot upload');
select is(tests.affected_undo($$update storage.objects set metadata = '{}' where bucket_id = 'resumes'$$), 0, 'anon updates nothing');
select is(tests.affected_undo($$delete from storage.objects where bucket_id = 'resumes'$$), 0, 'anon deletes nothing');

-- owner of A
select tests.authenticate_as('owner_a');
select results_eq($$select name from storage.objects order by name$$,
  $$values ('10000000-0000-0000-0000-0000000000aa/cv-a1.pdf')$$,
  'Members can read resumes in their tenant''s folder: owner_a sees A''s file only (not B''s, not other buckets)');
select is(tests.affected_undo($$insert into storage.objects (bucket_id, name, owner) values ('resumes', '10000000-0000-0000-0000-0000000000aa/new.pdf', '20000000-0000-0000-0000-0000000000a1')$$), 1,
  'Owners and admins can upload resumes to their tenant''s folder: owner_a uploads into A''s folder');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('resumes', '10000000-0000-0000-0000-0000000000bb/planted.pdf')$$, '42501', null,
  'Owners and admins can upload resumes to their tenant''s folder: not into B''s folder');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('resumes', 'loose.pdf')$$, '42501', null,
  'Owners and admins can upload resumes to their tenant''s folder: not outside any folder');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('resumes', 'x/10000000-0000-0000-0000-0000000000aa/deep.pdf')$$, '42501', null,
  'Owners and admins can upload resumes to their tenant''s folder: the tenant folder must be the first segment');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('avatars', '10000000-0000-0000-0000-0000000000aa/a.png')$$, '42501', null,
  'the resume policies grant nothing in other buckets');
select is(tests.affected_undo($$update storage.objects set metadata = '{"size": 1}' where name like '%/cv-%'$$), 1,
  'Owners and admins can replace resumes in their tenant''s folder: owner_a updates A''s file, not B''s');
select throws_ok($$update storage.objects set name = '10000000-0000-0000-0000-0000000000bb/moved.pdf' where name = '10000000-0000-0000-0000-0000000000aa/cv-a1.pdf'$$, '42501', null,
  'Owners and admins can replace resumes in their tenant''s folder: a file cannot be moved into B''s folder');
select is(tests.affected_undo($$delete from storage.objects where name like '%/cv-%'$$), 1,
  'Owners can delete resumes in their tenant''s folder: owner_a deletes A''s file, not B''s');

-- admin of A
select tests.authenticate_as('admin_a');
select results_eq($$select name from storage.objects$$, $$values ('10000000-0000-0000-0000-0000000000aa/cv-a1.pdf')$$,
  'Members can read resumes in their tenant''s folder: admin_a sees A''s file');
select is(tests.affected_undo($$insert into storage.objects (bucket_id, name) values ('resumes', '10000000-0000-0000-0000-0000000000aa/new.pdf')$$), 1,
  'Owners and admins can upload resumes to their tenant''s folder: admin_a uploads into A''s folder');
select is(tests.affected_undo($$update storage.objects set metadata = '{"size": 1}' where name like '%/cv-%'$$), 1,
  'Owners and admins can replace resumes in their tenant''s folder: admin_a updates A''s file');
select is(tests.affected_undo($$delete from storage.objects where name like '%/cv-%'$$), 0,
  'Owners can delete resumes in their tenant''s folder: admin_a deletes nothing');

-- user of A, user of B
select tests.authenticate_as('user_a');
select results_eq($$select name from storage.objects$$, $$values ('10000000-0000-0000-0000-0000000000aa/cv-a1.pdf')$$,
  'Members can read resumes in their tenant''s folder: user_a reads A''s file');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('resumes', '10000000-0000-0000-0000-0000000000aa/new.pdf')$$, '42501', null,
  'Owners and admins can upload resumes to their tenant''s folder: user_a (role user) cannot upload');
select is(tests.affected_undo($$update storage.objects set metadata = '{}' where name like '%/cv-%'$$), 0,
  'Owners and admins can replace resumes in their tenant''s folder: user_a updates nothing');
select is(tests.affected_undo($$delete from storage.objects where name like '%/cv-%'$$), 0,
  'Owners can delete resumes in their tenant''s folder: user_a deletes nothing');
select tests.authenticate_as('user_b');
select results_eq($$select name from storage.objects$$, $$values ('10000000-0000-0000-0000-0000000000bb/cv-b1.pdf')$$,
  'Members can read resumes in their tenant''s folder: user_b reads B''s file only');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('resumes', '10000000-0000-0000-0000-0000000000bb/new.pdf')$$, '42501', null,
  'Owners and admins can upload resumes to their tenant''s folder: user_b cannot upload');

-- candidates: nothing, not even their own resume
select tests.authenticate_as('cand_a');
select is_empty($$select name from storage.objects$$, 'cand_a cannot see resume files, their own included');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('resumes', '10000000-0000-0000-0000-0000000000aa/mine.pdf')$$, '42501', null,
  'cand_a cannot upload into A''s folder');
select is(tests.affected_undo($$delete from storage.objects where bucket_id = 'resumes'$$), 0, 'cand_a deletes nothing');
select tests.authenticate_as('cand_ab');
select is_empty($$select name from storage.objects$$, 'cand_ab cannot see resume files in A or B');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('resumes', '10000000-0000-0000-0000-0000000000bb/mine.pdf')$$, '42501', null,
  'cand_ab cannot upload into B''s folder');
select is(tests.affected_undo($$update storage.objects set metadata = '{}' where bucket_id = 'resumes'$$), 0, 'cand_ab updates nothing');

-- the service role bypasses RLS
select tests.authenticate_as_service_role();
select results_eq($$select name from storage.objects where bucket_id = 'resumes' and name like '10000000-%' order by name$$,
  $$values ('10000000-0000-0000-0000-0000000000aa/cv-a1.pdf'), ('10000000-0000-0000-0000-0000000000bb/cv-b1.pdf')$$,
  'the service role sees every tenant''s files');
select is(tests.affected_undo($$insert into storage.objects (bucket_id, name) values ('resumes', 'anywhere.pdf')$$), 1,
  'the service role can write anywhere');
select is(tests.affected_undo($$delete from storage.objects where name like '10000000-%/cv-%'$$), 2, 'the service role can delete both');

select * from finish();
rollback;
