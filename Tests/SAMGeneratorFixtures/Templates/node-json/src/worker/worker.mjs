export const main = async (event) => ({ records: (event.Records || []).length });
