"""Jobs: a reform's impact on a population, or a large batch screened, asked now and computed in the background, kept across restarts.

A job is a row of the database (``kruger_rules.store``) and a folder on disk (its uploaded population, then its
results). Each server runs at most its limit of jobs at once, each in a process of its own, so a long run
never slows the server's answers; the rest wait in the queue, in the order they came.

* ``folders``: where a job's files live in the data folder, and which of them may be served;
* ``populations``: a population checked whole at submission, and what it is (sample or upload, rows, bytes);
* ``owners``: which process holds a job, and whether it is still alive;
* ``work``: one job in its own process (its kind's work, in ``impact_work`` or ``batch_work``, progress into the database);
* ``reporting``: what a kind's work is handed to report progress, and what it hands back once done;
* ``batch_uploads``: a batch's files as sent (their formats, their whole-file faults, the engine's words in the sender's);
* ``runner``: the server's loop that claims queued jobs and starts, watches and ends their processes;
* ``service``: :class:`ImpactJobs`, what the API calls: submit, read, start and stop.
"""
