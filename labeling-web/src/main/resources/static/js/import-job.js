// Polls the import job shown on the page and moves its progress bar until the job has finished.
(function () {
  const page = document.getElementById('import-job');
  if (!page) return;
  const url = page.dataset.jobUrl;
  const set = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = value; };

  function percent(job) {
    if (job.state === 'SUCCEEDED') return 100;
    const read = job.bytesTotal === 0 ? 0 : Math.min(1, job.bytesDone / job.bytesTotal);
    if (job.phase === 'VALIDATING') return Math.floor(50 * read);
    if (job.phase === 'WRITING') return 50 + Math.floor(49 * read);
    return 0;
  }

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (response.ok) {
        const job = await response.json();
        const p = percent(job);
        document.getElementById('import-progress').value = p;
        set('import-percent', p + '%');
        set('import-state', job.state);
        set('import-phase', job.phase);
        set('import-rows', job.rowsTotal);
        set('import-imported', job.rowsImported);
        set('import-skipped', job.rowsSkipped);
        set('import-error', job.error || '');
        if (job.state === 'SUCCEEDED' || job.state === 'FAILED') return;
      }
    } catch (e) { /* try again */ }
    setTimeout(poll, 500);
  }
  poll();
})();
