DOSSIER_SEARCH.t["of"] = {
"of":[14,2],
"off":[18]
};
