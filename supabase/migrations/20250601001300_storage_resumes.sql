-- The private `resumes` bucket (PDF only, 10 MiB) and the policies that confine each
-- tenant to the folder named after its tenant id: resumes/<tenant_id>/<file>.pdf.
-- Same rule as the tables: members read, owners and admins upload and replace, owners
-- delete. Candidates and anon get nothing; the service role bypasses RLS.
-- Keep the bucket settings in step with [storage.buckets.resumes] in config.toml.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('resumes', 'resumes', false, 10 * 1024 * 1024, array['application/pdf'])
on conflict (id) do update
  set public = excluded.public,
      file_size_limit = excluded.file_size_limit,
      allowed_mime_types = excluded.allowed_mime_types;

create policy "Members can read resumes in their tenant's folder"
  on storage.objects for select to authenticated
  using (
    bucket_id = 'resumes'
    and (storage.foldername(name))[1] = (select private.tenant_id()::text)
  );

create policy "Owners and admins can upload resumes to their tenant's folder"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'resumes'
    and (storage.foldername(name))[1] = (select private.tenant_id()::text)
    and (select private.can('resumes', 'create'))
  );

create policy "Owners and admins can replace resumes in their tenant's folder"
  on storage.objects for update to authenticated
  using (
    bucket_id = 'resumes'
    and (storage.foldername(name))[1] = (select private.tenant_id()::text)
    and (select private.can('resumes', 'update'))
  )
  with check (
    bucket_id = 'resumes'
    and (storage.foldername(name))[1] = (select private.tenant_id()::text)
  );

create policy "Owners can delete resumes in their tenant's folder"
  on storage.objects for delete to authenticated
  using (
    bucket_id = 'resumes'
    and (storage.foldername(name))[1] = (select private.tenant_id()::text)
    and (select private.can('resumes', 'delete'))
  );
