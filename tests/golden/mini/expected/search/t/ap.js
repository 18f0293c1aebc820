DOSSIER_SEARCH.t["ap"] = {
"applicable":[20],
"applications":[12],
"approved":[2,12,2]
};
