DOSSIER_SEARCH.t["as"] = {
"as":[10],
"assistant":[1,3,3,3,3,3]
};
