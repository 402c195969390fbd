# Unpacks ARCHIVE into DEST (fresh each run, so a stale tree never hides a failure).
file(REMOVE_RECURSE ${DEST})
file(MAKE_DIRECTORY ${DEST})
file(ARCHIVE_EXTRACT INPUT ${ARCHIVE} DESTINATION ${DEST})
