"""The instructors' and mentors' tools, built on the one result schema (`checker.results`).

`config`     the class configuration: which katas count, points, partial credit, due dates
`report`     one learner's results in every format: JSON, JUnit, Markdown, GitHub Classroom,
             Gradescope
`review`     a mentor's review of one kata: diff against the reference, SQL side by side, the
             mutants the learner's code behaves like, and solutions grouped by shape
`dashboard`  many learners' reports aggregated into an offline HTML dashboard and a CSV
`sandbox`    running code nobody reviewed: no network but the database, a throwaway home, only
             the learner's copy writable, none of the instructor's environment
"""
