"""Contests outside the core (decision 41): setting one up (`setup`), the standings and
result texts (`standings`, pure), and the job that writes the results at the close (`job`)."""
