DOSSIER_SEARCH.t["sc"] = {
"score":[12],
"scores":[12]
};
