DOSSIER_SEARCH.t["li"] = {
"limited":[0],
"listed":[8,12]
};
