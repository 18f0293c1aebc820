DOSSIER_SEARCH.t["an"] = {
"an":[12],
"and":[4],
"answers":[0,4]
};
