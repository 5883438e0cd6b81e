// A running impact job's page, kept up to date with JavaScript on (without it, its "Check progress" button does).
// Every few seconds each job on the page (data-kr-job, its progress as JSON) is asked where it stands; its status and
// progress are written into its live region, so that a screen reader hears the change; once no job runs, the page
// is opened again (data-kr-next), which shows the results, the failure or the comparison. If a request fails, the
// page stays as it is and the button still works.
(() => {
  "use strict";
  const watch = document.querySelector("[data-kr-watch]");
  const jobs = [...document.querySelectorAll("[data-kr-job]")];
  if (!watch || !jobs.length) {
    return;
  }
  const every = Number(watch.dataset.krEvery) * 1000;
  const note = watch.querySelector("[data-kr-note]");
  const said = note.textContent;
  note.textContent = note.dataset.krNote;

  // Only what changed is written: a live region reads out every change, the same words again included.
  const write = (element, text) => {
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  };

  const show = (job, state) => {
    const tag = job.querySelector("[data-kr-status]");
    if (tag) {
      write(tag, state.status);
      tag.className = `govuk-tag govuk-tag--${state.colour}`;
    }
    write(job.querySelector("[data-kr-progress]"), state.progress);
  };

  const ask = async (job) => {
    const answer = await fetch(job.dataset.krJob, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!answer.ok) {
      throw new Error(`${job.dataset.krJob}: ${answer.status}`);
    }
    const state = await answer.json();
    show(job, state);
    return state.running;
  };

  const poll = async () => {
    try {
      const running = await Promise.all(jobs.map(ask));
      if (running.some(Boolean)) {
        window.setTimeout(poll, every);
      } else {
        window.location.replace(watch.dataset.krNext);
      }
    } catch (error) {
      note.textContent = said;
    }
  };

  window.setTimeout(poll, every);
})();
